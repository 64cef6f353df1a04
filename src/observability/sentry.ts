/**
 * Error reporting to Sentry (OBS-04), on only when SENTRY_DSN is set. `initSentry` runs from the
 * `--import` entry (src/instrument.ts) before anything else loads; pino error and fatal logs then
 * become events. Nothing leaves without `scrubEvent`: credentials by key and by shape, every
 * configured secret value, request bodies and cookies, and email bodies (body, text, html, raw…).
 *
 * Wiring for the HTTP app (Hono on @hono/node-server; the http integration gives each request its
 * own isolation scope):
 *
 *   app.use(honoSentry({ requestId: (c) => c.get('requestId') }));   // tags every event of the request
 *   app.onError((error, c) => {
 *     captureRequestError(error, { method: c.req.method, route: routePath(c), requestId, negotiationId });
 *     return c.json({ error: 'internal', requestId }, 500);
 *   });
 *
 * Do not also add `Sentry.honoMiddleware(app)` with its default `shouldHandleError`: it captures
 * the same error again, without these tags. Outside requests (outbox effects, timers, Slack
 * listeners) run the work inside `withIsolation({ negotiationId, effectKind, actionId }, fn)`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Sentry from '@sentry/node';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Config } from '../config.js';
import { projectRoot } from '../paths.js';
import { createScrubber, sensitiveKey } from './logger.js';

export interface SentrySettings {
  dsn: string | undefined;
  environment: string;
  release: string;
  /** Values that must never leave the process (the config's secrets). */
  secrets: ReadonlyArray<string | undefined>;
}

/**
 * Settings from the configuration. `sentry.environment`/`sentry.release` (SENTRY_ENVIRONMENT,
 * SENTRY_RELEASE) are read when the config has them; otherwise NODE_ENV and the package version.
 */
export function sentrySettingsFrom(
  config: Pick<Config, 'env' | 'secrets'> & {
    sentry?: { environment?: string | undefined; release?: string | undefined };
  },
  version: string = packageVersion(),
): SentrySettings {
  return {
    dsn: config.secrets.SENTRY_DSN,
    environment: config.sentry?.environment ?? config.env,
    release: config.sentry?.release ?? `negotiator@${version}`,
    secrets: Object.values(config.secrets),
  };
}

/** The version in package.json, for the release name. */
export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8'));
    return String((manifest as { version?: unknown }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/**
 * Starts the SDK; false (and nothing sent, ever) without a DSN. A second call does nothing, so
 * `serve` may call it as a fallback when the process was started without the `--import` entry
 * (errors are then still reported, but http and fetch are not instrumented).
 */
export function initSentry(settings: SentrySettings): boolean {
  if (!settings.dsn) return false;
  if (Sentry.isInitialized()) return true;
  const scrub = createScrubber(settings.secrets);
  Sentry.init({
    dsn: settings.dsn,
    environment: settings.environment,
    release: settings.release,
    // @sentry/node 11 replaced `sendDefaultPii: false` with per-category switches: collect no
    // user data, cookies, bodies (webhooks carry mail and Slack payloads), model prompts or locals.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { deny: ['authorization', 'cookie', 'x-api-key'] }, response: false },
      httpBodies: [],
      urlQueryParams: { deny: ['token', 'key', 'code', 'access_token', 'sentry_key'] },
      genAI: { inputs: false, outputs: false },
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
    },
    integrations: [
      Sentry.pinoIntegration({ error: { levels: ['error', 'fatal'] }, log: { levels: [] } }),
    ],
    beforeSend: (event) => scrubEvent(event, scrub),
    beforeBreadcrumb: (breadcrumb) => scrubValue(breadcrumb, scrub, 0) as typeof breadcrumb,
  });
  return true;
}

export const flushSentry = (timeoutMs = 2000): Promise<boolean> => Sentry.flush(timeoutMs);
/** At shutdown, after the last log line: sends what is queued, then stops the SDK. */
export const closeSentry = (timeoutMs = 2000): Promise<boolean> => Sentry.close(timeoutMs);

export interface ScopeTags {
  negotiationId?: string | undefined;
  /** The outbox effect (`sendEmail`, `postSlack`…). */
  effectKind?: string | undefined;
  /** A Slack action id or an outbox idempotency key. */
  actionId?: string | undefined;
  requestId?: string | undefined;
}

const TAG_NAMES: Record<keyof ScopeTags, string> = {
  negotiationId: 'negotiation_id',
  effectKind: 'effect_kind',
  actionId: 'action_id',
  requestId: 'request_id',
};

function tagsOf(tags: ScopeTags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(TAG_NAMES))
    if (tags[key as keyof ScopeTags]) out[name] = String(tags[key as keyof ScopeTags]);
  return out;
}

/**
 * Runs work that is not an HTTP request (an effect, a timer, a Slack listener) in its own
 * isolation scope, so its errors — captured or logged — carry these tags and nothing else's.
 */
export function withIsolation<T>(tags: ScopeTags, fn: () => T): T {
  return Sentry.withIsolationScope((scope) => {
    scope.setTags(tagsOf(tags));
    return fn();
  });
}

/** An error outside any request (a Slack listener's), reported with these tags only. */
export function captureIsolated(error: unknown, tags: ScopeTags): string {
  return withIsolation(tags, () => Sentry.captureException(error));
}

export interface RequestErrorContext {
  method: string;
  /** The route template (`/api/v1/negotiations/:id`), never the raw path. */
  route: string;
  requestId: string;
  negotiationId?: string | undefined;
}

/** For the HTTP app's error handler; returns the event id ('' when Sentry is off). */
export function captureRequestError(error: unknown, context: RequestErrorContext): string {
  return Sentry.withScope((scope) => {
    scope.setTags({
      'http.method': context.method,
      'http.route': context.route,
      ...tagsOf({ requestId: context.requestId, negotiationId: context.negotiationId }),
    });
    return Sentry.captureException(error, {
      mechanism: { handled: false, type: 'auto.http.hono.on_error' },
    });
  });
}

/** Tags the request's isolation scope (method, route template, request id) for every event in it. */
export function honoSentry(
  options: { requestId?: (c: Parameters<MiddlewareHandler>[0]) => string | undefined } = {},
): MiddlewareHandler {
  return async (c, next) => {
    // Without a client the isolation scope is the process-wide default: tags would leak.
    if (Sentry.isInitialized()) {
      const requestId = options.requestId?.(c);
      Sentry.getIsolationScope().setTags({
        'http.method': c.req.method,
        'http.route': routePath(c, -1),
        ...(requestId ? { request_id: requestId } : {}),
      });
    }
    await next();
  };
}

const MAX_DEPTH = 24;

/** Everything a Sentry event may carry, made safe to send; `scrub` from `createScrubber`. */
export function scrubEvent<E extends Sentry.Event>(event: E, scrub: (text: string) => string): E {
  if (event.request) {
    delete event.request.data;
    delete event.request.cookies;
  }
  const pino = event.contexts?.pino as Record<string, unknown> | undefined;
  if (pino) {
    const promoted = tagsOf({
      negotiationId: asText(pino.negotiationId),
      effectKind: asText(pino.effectKind),
      actionId: asText(pino.actionId),
      requestId: asText(pino.requestId),
    });
    event.tags = { ...promoted, ...event.tags };
  }
  return scrubValue(event, scrub, 0) as E;
}

function asText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function scrubValue(value: unknown, scrub: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, scrub, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // Unlike the logs, events never show bodies, whatever the level.
    const sensitive = item !== null && item !== undefined && sensitiveKey(key) !== null;
    out[key] = sensitive ? '[redacted]' : scrubValue(item, scrub, depth + 1);
  }
  return out;
}
