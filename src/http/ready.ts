/**
 * `GET /ready` (OBS-02): 200 with the passing checks only when every check passes, else 503 with
 * the failing ones. Shutdown is answered first, without running the checks (the database may
 * already be closing).
 */
import type { Context } from 'hono';
import type { AppEnv } from './app-env.js';
import type { ReadinessReport } from './readiness.js';

export type ReadinessSource = () => Promise<ReadinessReport> | ReadinessReport;

export function readyRoute(readiness: ReadinessSource, shuttingDown: () => boolean) {
  return async function ready(c: Context<AppEnv>): Promise<Response> {
    c.header('Cache-Control', 'no-store');
    if (shuttingDown()) {
      return notReady(c, [{ name: 'shutting_down', detail: 'the service is stopping' }]);
    }
    let report: ReadinessReport;
    try {
      report = await readiness();
    } catch (error) {
      c.var.logger.error({ err: error }, 'readiness checks failed to run');
      return notReady(c, [{ name: 'readiness', detail: 'the checks could not run' }]);
    }
    const failing = report.checks.filter((check) => !check.ok);
    if (report.ready && failing.length === 0) {
      return c.json({
        status: 'ready',
        checks: report.checks.map(({ name, detail }) => ({ name, detail })),
      });
    }
    return notReady(
      c,
      failing.map(({ name, detail }) => ({ name, detail })),
    );
  };
}

function notReady(c: Context, failing: Array<{ name: string; detail: string }>): Response {
  return c.json({ status: 'not_ready', failing }, 503);
}
