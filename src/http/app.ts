/**
 * The service's HTTP face: one Hono app with the probes, the metrics and the mounted routes
 * (webhooks, API). Middleware order matters: the request context comes first so every later log
 * line and error body carries the request id; observation next so it sees the final status of
 * everything below it, refusals and errors included; then the body limit.
 *
 * Serve it with `@hono/node-server` (`serve({ fetch: app.fetch, port })`) or drive it in tests
 * with `app.request()`.
 */
import { Hono } from 'hono';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { honoSentry } from '../observability/sentry.js';
import type { AppEnv } from './app-env.js';
import { DEFAULT_MAX_BODY_BYTES, limitBody } from './body-limit.js';
import { handleError, handleNotFound } from './errors.js';
import { health } from './health.js';
import { observeRequests } from './http-metrics.js';
import { metricsRoute } from './metrics-route.js';
import { type ReadinessSource, readyRoute } from './ready.js';
import { requestContext } from './request-id.js';

// Mounted apps are built elsewhere with their own (narrower) environment types.
// biome-ignore lint/suspicious/noExplicitAny: any Hono sub-app can be mounted
type SubApp = Hono<any, any, any>;

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessSource;
  /** True once shutdown began: `/ready` answers 503 so traffic moves away first. */
  shuttingDown: () => boolean;
  webhooks?: { gmail?: SubApp };
  /** Mounted at `/api/v1`. */
  api?: SubApp;
  /** Largest request body any route accepts; defaults to 1 MiB. */
  maxBodyBytes?: number;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestContext(deps.logger));
  app.use(honoSentry({ requestId: (c) => c.get('requestId') }));
  app.use(observeRequests(deps.metrics.http));
  app.use(limitBody(deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));

  app.get('/health', health);
  app.get('/ready', readyRoute(deps.readiness, deps.shuttingDown));
  app.get('/metrics', metricsRoute(deps.metrics.registry));
  if (deps.webhooks?.gmail) app.route('/webhooks/gmail', deps.webhooks.gmail);
  if (deps.api) app.route('/api/v1', deps.api);

  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}

export type { AppEnv } from './app-env.js';
export type { ReadinessCheck, ReadinessReport } from './readiness.js';
export { createReadiness, type ReadinessDeps } from './readiness.js';
