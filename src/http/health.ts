/**
 * `GET /health` (OBS-01): liveness. Answering at all proves the process and its event loop are
 * alive; it reads nothing else, so a slow database or a missing credential never gets a healthy
 * process restarted (that is what `/ready` is for).
 */
import type { Context } from 'hono';

export function health(c: Context): Response {
  c.header('Cache-Control', 'no-store');
  return c.json({ status: 'ok' });
}
