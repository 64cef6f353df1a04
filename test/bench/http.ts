/**
 * HTTP throughput: `/health` and `/webhooks/gmail` on the service's own app (createApp, with its
 * request id, metrics, body limit and logging middleware), beside a bare Hono route and a bare
 * node:http handler measured in the same run, so the ratios say what the middleware costs.
 * The load generator is node:http on loopback with keep-alive: CONCURRENCY requests in flight.
 *
 *   node --import tsx test/bench/http.ts [--quick] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Hono } from 'hono';
import { createApp } from '../../src/http/app.js';
import { gmailPushRoutes } from '../../src/http/webhooks/gmail.js';
import { createPushVerifier } from '../../src/http/webhooks/push-auth.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import { startEmulator } from '../../src/sandbox/server.js';

const { values } = parseArgs({
  options: { json: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const REQUESTS = values.quick ? 2_000 : 10_000;
const CONCURRENCY = 16;
const AUDIENCE = 'https://negotiator.bench/webhooks/gmail';
const PUSHER = 'gmail-push@sandbox.iam.gserviceaccount.com';
const MAILBOX = 'team@brand.test';

interface Target {
  url: URL;
  method: 'GET' | 'POST';
  body?: (i: number) => string;
  headers?: (i: number) => Record<string, string>;
  expect: number;
}

function once(agent: Agent, target: Target, i: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = target.body?.(i);
    const req = request(
      target.url,
      {
        method: target.method,
        agent,
        headers: {
          ...(target.headers?.(i) ?? {}),
          ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function load(target: Target, requests: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) {
        const i = next++;
        const t = performance.now();
        const status = await once(agent, target, i);
        latencies.push(performance.now() - t);
        if (status !== target.expect) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
  return { rps: Math.round(requests / seconds), p99: Number(p99.toFixed(2)), failures };
}

const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
const hono = await startEmulator(new Hono().get('/health', (c) => c.json({ status: 'ok' })));

const google = await startGoogleEmulator({ mailbox: MAILBOX });
const metrics = createMetrics();
const app = createApp({
  logger: silentLogger,
  metrics,
  readiness: () => ({ ready: true, checks: [] }),
  shuttingDown: () => false,
  webhooks: {
    gmail: gmailPushRoutes({
      verifier: createPushVerifier({
        kind: 'oidc',
        audience: AUDIENCE,
        serviceAccountEmail: PUSHER,
        certsUrl: google.certsUrl,
      }),
      record: () => undefined,
      expectedMailbox: MAILBOX,
      logger: silentLogger,
    }),
  },
});
const service = await startEmulator(app as unknown as Hono);
const tokens = Array.from({ length: 16 }, () =>
  google.identity.mintIdToken({ audience: AUDIENCE, email: PUSHER }),
);
const envelope = (i: number) =>
  JSON.stringify({
    message: {
      data: Buffer.from(
        JSON.stringify({ emailAddress: MAILBOX, historyId: 1_000_000 + i }),
      ).toString('base64'),
      messageId: String(9_000_000_000_000 + i),
      publishTime: new Date().toISOString(),
    },
    subscription: 'projects/sandbox/subscriptions/gmail-push',
  });

const targets: Record<string, Target> = {
  bare_node_http: { url: new URL(`${bareUrl}/health`), method: 'GET', expect: 200 },
  bare_hono: { url: new URL(`${hono.url}/health`), method: 'GET', expect: 200 },
  service_health: { url: new URL(`${service.url}/health`), method: 'GET', expect: 200 },
  service_webhook: {
    url: new URL(`${service.url}/webhooks/gmail`),
    method: 'POST',
    body: envelope,
    headers: (i) => ({
      authorization: `Bearer ${tokens[i % tokens.length]}`,
      'content-type': 'application/json',
    }),
    expect: 204,
  },
};

const figures: Record<string, number> = {};
try {
  for (const [name, target] of Object.entries(targets)) {
    await load(target, Math.min(500, REQUESTS)); // warm-up (certificates, JIT)
    const measured = await load(target, name === 'service_webhook' ? REQUESTS / 4 : REQUESTS);
    if (measured.failures > 0) {
      process.stderr.write(`http bench invalid: ${measured.failures} wrong answers from ${name}\n`);
      process.exit(1);
    }
    figures[`${name}_rps`] = measured.rps;
    figures[`${name}_p99_ms`] = measured.p99;
  }
} finally {
  await service.close();
  await hono.close();
  await google.close();
  bare.close();
}

const ratio = (a: string, b: string) => Number(((figures[a] ?? 0) / (figures[b] || 1)).toFixed(2));
const ratios = {
  health_vs_bare_hono: ratio('service_health_rps', 'bare_hono_rps'),
  health_vs_bare_node: ratio('service_health_rps', 'bare_node_http_rps'),
  bare_hono_vs_bare_node: ratio('bare_hono_rps', 'bare_node_http_rps'),
  webhook_vs_health: ratio('service_webhook_rps', 'service_health_rps'),
};
process.stdout.write(
  `http benchmark (${REQUESTS} requests per target, ${CONCURRENCY} in flight, loopback, keep-alive)\n`,
);
const all = { ...figures, ...ratios };
const width = Math.max(...Object.keys(all).map((k) => k.length));
for (const [k, v] of Object.entries(all))
  process.stdout.write(`  ${k.padEnd(width)}  ${String(v).padStart(10)}\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(all, null, 2)}\n`);
