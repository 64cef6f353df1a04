/** `GET /metrics` (OBS-03): the service's own registry in the Prometheus text format. */
import type { Context } from 'hono';
import type { Registry } from 'prom-client';

export function metricsRoute(registry: Registry) {
  return async function metrics(c: Context): Promise<Response> {
    const text = await registry.metrics();
    return c.body(text, 200, {
      'Content-Type': registry.contentType,
      'Cache-Control': 'no-store',
    });
  };
}
