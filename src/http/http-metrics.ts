/**
 * Observes every request once it has been answered: the HTTP metrics and one log line. Both name
 * the route by its template (`/api/v1/negotiations/:id`), never the raw path: raw paths carry ids
 * (unbounded label values) and, for the Gmail webhook, a secret in the query string. Headers and
 * bodies are never logged.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { METHOD_NAME_ALL } from 'hono/router';
import type { HttpMetrics } from '../observability/metrics.js';
import type { AppEnv } from './app-env.js';

export const UNMATCHED_ROUTE = 'unmatched';

/** Answered often and uneventfully (probes, scrapes): logged at debug level unless they fail. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The template of the route that answered (or would have answered, when a middleware such as the
 * body limit refused first); `unmatched` when no route matched. Middleware is told apart from
 * routes by being registered with `use` (every method, a path ending in `*`).
 */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = c.req.routeIndex; i < routes.length; i++) {
    const route = routes[i];
    if (route && !(route.method === METHOD_NAME_ALL && route.path.endsWith('*'))) return route.path;
  }
  return UNMATCHED_ROUTE;
}

export function observeRequests(metrics: HttpMetrics): MiddlewareHandler<AppEnv> {
  return async function observeRequests(c, next) {
    const started = performance.now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      const durationMs = performance.now() - started;
      const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      const route = routeTemplate(c);
      metrics.observe({ method, route, status: String(status) }, durationMs / 1000);
      const level = status >= 500 ? 'error' : QUIET_ROUTES.has(route) ? 'debug' : 'info';
      c.var.logger[level](
        { method, route, status, durationMs: Math.round(durationMs * 10) / 10 },
        'http request',
      );
    }
  };
}
