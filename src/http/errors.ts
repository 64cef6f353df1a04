/**
 * The one place errors become HTTP responses. Every error body has the same shape,
 * `{ error: { code, message }, requestId }`, so a client (or an operator reading a report) can
 * quote the id and find the request's log lines. Internals never leave the process: a 5xx says
 * only "internal error" and the real error is logged with the request id.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { captureRequestError } from '../observability/sentry.js';
import type { AppEnv } from './app-env.js';

/** An error a handler throws on purpose: its status, code and message are shown to the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(maxBytes: number) {
    super(413, 'payload_too_large', `the request body is larger than ${maxBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
  requestId: string;
}

/** A JSON error response in the service's one error shape. */
export function errorResponse(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  code: string,
  message: string,
): Response {
  const body: ErrorBody = { error: { code, message }, requestId: c.var.requestId };
  return c.json(body, status);
}

/** `app.onError`: maps what a handler threw to a response. */
export function handleError(thrown: Error, c: Context<AppEnv>): Response {
  // A handler that read too much may throw its own error about the failed read.
  const error: Error = c.var.bodyTooLarge ?? thrown;
  if (error instanceof HttpError) return errorResponse(c, error.status, error.code, error.message);
  if (error instanceof HTTPException && error.status < 500) {
    return errorResponse(c, error.status, codeForStatus(error.status), error.message || 'error');
  }
  // Reported with method, route template and request id; Sentry drops the logged copy as a duplicate.
  captureRequestError(error, {
    method: c.req.method,
    route: routePath(c, -1),
    requestId: c.var.requestId,
    negotiationId: c.req.param('id') ?? undefined,
  });
  c.var.logger.error({ err: error }, 'request failed');
  return errorResponse(c, 500, 'internal_error', 'internal error');
}

/** `app.notFound`: no route matched the method and path. */
export function handleNotFound(c: Context<AppEnv>): Response {
  return errorResponse(c, 404, 'not_found', 'no such route');
}

const CODES: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
};

function codeForStatus(status: number): string {
  return CODES[status] ?? 'client_error';
}
