/**
 * Request ids (OBS-05). A caller's `X-Request-Id` is kept only when it is short and plain (it ends
 * up in logs, database rows and response headers); anything else is replaced by a fresh UUID. The
 * id is echoed in the response, bound to a per-request child logger and made ambient through the
 * request context so code below the route can read it.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../observability/logger.js';
import { runWithRequestId } from '../observability/request-context.js';
import type { AppEnv } from './app-env.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The inbound id when it is sane, otherwise a newly generated one. */
export function requestIdFor(
  inbound: string | null | undefined,
  generate: () => string = randomUUID,
): string {
  return inbound !== null && inbound !== undefined && SANE_REQUEST_ID.test(inbound)
    ? inbound
    : generate();
}

/** Gives each request its id, its child logger and its request context; runs first. */
export function requestContext(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const requestId = requestIdFor(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId', requestId);
    c.set('logger', logger.child({ requestId }));
    await runWithRequestId(requestId, next);
    // After the handler: a handler may return its own Response, which would drop a header set
    // before it ran.
    c.header(REQUEST_ID_HEADER, requestId);
  };
}
