/**
 * Sentry envelope collector: what `@sentry/node` sends to a DSN of the form
 * `http://KEY@127.0.0.1:PORT/PROJECT`. Envelopes may be gzipped; only `event` items are kept
 * (client reports, sessions and logs arrive too and are counted).
 */
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { createFaults, hang } from '../faults.js';
import { startEmulator } from '../server.js';

export interface CollectedEvent {
  project: string;
  event: Record<string, unknown>;
}

export async function startSentryCollector(options: { port?: number } = {}) {
  const events: CollectedEvent[] = [];
  const otherItems: Record<string, number> = {};
  const faults = createFaults();
  let requests = 0;
  const app = new Hono();

  app.post('/api/:project/envelope/', async (c) => {
    requests += 1;
    const fault = await faults.next('envelope');
    if (fault?.kind === 'timeout' || fault?.kind === 'lost') return hang();
    if (fault?.kind === 'status' && fault.status === 429) {
      // Relay's rate-limit answer: the SDK drops events for the categories named until it passes.
      const seconds = Math.max(1, Math.ceil(fault.retryAfterMs / 1000));
      c.header('retry-after', String(seconds));
      c.header('x-sentry-rate-limits', `${seconds}::organization`);
      return c.json({ detail: 'rate limited' }, 429);
    }
    if (fault?.kind === 'status') return c.json({ detail: 'sandbox fault' }, fault.status as 500);
    let body = Buffer.from(await c.req.arrayBuffer());
    if ((c.req.header('content-encoding') ?? '').includes('gzip')) {
      try {
        body = gunzipSync(body);
      } catch {
        return c.json({ detail: 'invalid gzip body' }, 400);
      }
    }
    const parsed = parseEnvelope(body.toString('utf8'));
    if (!parsed) return c.json({ detail: 'invalid envelope' }, 400);
    for (const item of parsed) {
      if (item.type === 'event')
        events.push({ project: c.req.param('project'), event: item.payload });
      else otherItems[item.type] = (otherItems[item.type] ?? 0) + 1;
    }
    return c.json({});
  });
  app.get('/control/events', (c) => c.json(events));

  const running = await startEmulator(app, options);
  return {
    ...running,
    /** A DSN that sends this collector's project 1 everything. */
    dsn: `http://sandboxkey@127.0.0.1:${running.port}/1`,
    faults,
    events: (): CollectedEvent[] => [...events],
    /** Envelope requests received, answered or not. */
    requests: (): number => requests,
    otherItems: (): Record<string, number> => ({ ...otherItems }),
    reset(): void {
      faults.clear();
      events.length = 0;
      for (const key of Object.keys(otherItems)) delete otherItems[key];
    },
  };
}

/** Header line, then (item header, payload) pairs. Null when it is not an envelope. */
function parseEnvelope(
  text: string,
): Array<{ type: string; payload: Record<string, unknown> }> | null {
  const lines = text.split('\n');
  try {
    JSON.parse(lines[0] ?? '');
    const items: Array<{ type: string; payload: Record<string, unknown> }> = [];
    for (let i = 1; i + 1 < lines.length || (i < lines.length && lines[i] !== ''); i += 2) {
      const header = JSON.parse(lines[i] ?? '') as { type?: string };
      const raw = lines[i + 1] ?? '';
      let payload: Record<string, unknown> = {};
      try {
        payload = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        payload = { raw };
      }
      items.push({ type: header.type ?? 'unknown', payload });
    }
    return items;
  } catch {
    return null;
  }
}
