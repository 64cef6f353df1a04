/**
 * The assembled service (startService: the same composition `negotiator serve` runs) against
 * the whole sandbox, over real HTTP, WebSocket and SQLite: one request id traced from the Gmail
 * push (X-Request-Id) through the log lines to the transition and the effects it caused; the
 * deal it leads to announced exactly once; the metrics and the API telling the truth about it.
 */
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { SANDBOX_CHANNEL, startSandbox } from '../../src/sandbox/index.js';
import { startEmulator } from '../../src/sandbox/server.js';
import { type Service, startService } from '../../src/service/index.js';

const API_TOKEN = 'test-api-token-0123456789';
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: Service;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const probe = await startEmulator(new Hono());
  const port = probe.port;
  await probe.close();
  // No automatic pushes: the test sends the one push it traces.
  sandbox = await startSandbox({ servicePort: port, seed: 3, autoPush: false });
  const config = loadConfig({
    env: { ...sandbox.env(), REVIEW_MODE: 'false', API_TOKEN, INSPECT: 'true', INSPECT_PORT: '0' },
    envFile: null,
  });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  service = await startService({ config, logger: createLogger({ level: 'info', destination }) });
}, 30_000);
afterAll(async () => {
  await service?.stop(5_000);
  await sandbox?.close();
});

async function until(what: string, check: () => boolean, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const rows = (sql: string, ...params: unknown[]) =>
  service.sqlite.prepare(sql).all(...params) as Array<Record<string, unknown>>;

function push(requestId: string) {
  const env = sandbox.env();
  const token = sandbox.google.identity.mintIdToken({
    audience: env.GMAIL_PUSH_AUDIENCE ?? '',
    email: env.GMAIL_PUSH_SERVICE_ACCOUNT ?? '',
  });
  const data = { emailAddress: 'team@brand.test', historyId: sandbox.google.mailbox.historyId() };
  return fetch(`http://127.0.0.1:${service.port}/webhooks/gmail`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-request-id': requestId,
    },
    body: JSON.stringify({
      message: {
        data: Buffer.from(JSON.stringify(data)).toString('base64'),
        messageId: `push-${requestId}`,
        publishTime: new Date().toISOString(),
      },
      subscription: 'projects/sandbox/subscriptions/gmail-push',
    }),
  });
}

describe('the assembled service', () => {
  it('traces a push from its request id to the transition and the effects it caused', async () => {
    const started = sandbox.personas.start('accepts-first', {});
    const response = await push('trace-e2e-1');
    expect(response.status).toBe(204);
    expect(response.headers.get('x-request-id')).toBe('trace-e2e-1');

    await until(
      'the reply to be routed',
      () =>
        rows(`select 1 from transitions
      where event_type = 'REPLY_RECEIVED'`).length > 0,
    );
    const [received] = rows(`select negotiation_id as id, request_id as requestId from transitions
      where event_type = 'REPLY_RECEIVED'`);
    expect(received?.requestId).toBe('trace-e2e-1');
    const id = String(received?.id);
    expect(id).toBe(`neg_${started.threadId}`);
    // The negotiation's first transition and the reading it declared carry it too.
    expect(
      rows('select request_id as r from transitions where negotiation_id = ? and seq = 0', id),
    ).toEqual([{ r: 'trace-e2e-1' }]);
    expect(
      rows(
        `select request_id as r from outbox where negotiation_id = ? and kind = 'classifyReply'`,
        id,
      ),
    ).toEqual([{ r: 'trace-e2e-1' }]);
    // The sheet read that found the influencer is logged, with its counts.
    expect(lines.some((l) => l.msg === 'influencer sheet read' && Number(l.influencers) > 0)).toBe(
      true,
    );
    // The webhook's own log line carries it.
    expect(
      lines.some(
        (l) => l.requestId === 'trace-e2e-1' && String(l.route).includes('webhooks/gmail'),
      ),
    ).toBe(true);
  });

  it('announces the deal once, and the metrics and the API show it with its cost', async () => {
    // From here every mailbox change is pushed; one push covers what arrived before.
    sandbox.setAutoPush(true);
    expect((await push('trace-e2e-2')).status).toBe(204);
    await until('the agreement alert', () =>
      sandbox.slack.messages(SANDBOX_CHANNEL).some((m) => m.text.startsWith('Deal agreed')),
    );
    const [negotiation] = rows(`select id from negotiations where state = 'agreed'`);
    const id = String(negotiation?.id);
    const alerts = sandbox.slack
      .messages(SANDBOX_CHANNEL)
      .filter((m) => m.metadata?.event_payload.negotiation_id === id);
    expect(alerts.filter((m) => m.text.startsWith('Deal agreed'))).toHaveLength(1);

    const base = `http://127.0.0.1:${service.port}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^negotiator_deals_closed_total 1$/m);
    expect(metrics).toMatch(/^negotiator_model_calls_total\{[^}]*outcome="ok"[^}]*\} [1-9]/m);

    expect((await fetch(`${base}/api/v1/negotiations/${id}`)).status).toBe(401);
    const api = await fetch(`${base}/api/v1/negotiations/${id}`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    const body = (await api.json()) as {
      state: string;
      terms: { agreedCents: number };
      cost: { modelCalls: number; dollars: number };
    };
    expect(body.state).toBe('agreed');
    expect(body.terms.agreedCents).toBeGreaterThan(0);
    const ledger = rows(
      'select count(*) as n, sum(cost_micros) as micros from model_calls where negotiation_id = ?',
      id,
    );
    expect(body.cost.modelCalls).toBe(ledger[0]?.n);
    expect(body.cost.dollars).toBeCloseTo(Number(ledger[0]?.micros) / 1e6, 6);
    expect(body.cost.dollars).toBeGreaterThan(0);
  });

  it('shows the actors in the Stately inspector relay when INSPECT is on', async () => {
    const started = lines.find((l) => String(l.msg).startsWith('Stately inspector relay'));
    const url = String(started?.url ?? '');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(url)).text()).toContain('stately.ai/inspect');
    // The relay replays what it buffered to a viewer that connects late.
    const socket = new WebSocket(url.replace('http', 'ws'));
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(data.toString()));
    await until('inspection events', () => messages.some((m) => m.includes('neg_')));
    socket.close();
  });
});
