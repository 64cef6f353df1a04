/**
 * Gmail push webhook latency: N valid pushes, each with a Pub/Sub-style OIDC token verified by
 * google-auth-library against the sandbox certificates, sent one after another over loopback
 * HTTP on a keep-alive connection. `record` is an in-memory no-op, so the figure excludes the
 * disk write (the target: p99 under 50 ms).
 *
 *   node --import tsx test/bench/webhook.ts [--quick] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { Hono } from 'hono';
import { gmailPushRoutes } from '../../src/http/webhooks/gmail.js';
import { createPushVerifier } from '../../src/http/webhooks/push-auth.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import { startEmulator } from '../../src/sandbox/server.js';

const { values } = parseArgs({
  options: { json: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const REQUESTS = values.quick ? 300 : 2_000;
// The first push fetches Google's certificates; the warm-up keeps that out of the figures.
const WARMUP = 20;
const TARGET_P99_MS = 50;
const AUDIENCE = 'https://negotiator.bench/webhooks/gmail';
const PUSHER = 'gmail-push@sandbox.iam.gserviceaccount.com';
const MAILBOX = 'team@brand.test';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

function envelope(i: number): string {
  const data = { emailAddress: MAILBOX, historyId: 1_000_000 + i };
  return JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify(data)).toString('base64'),
      messageId: String(9_000_000_000_000 + i),
      publishTime: new Date().toISOString(),
      attributes: {},
    },
    subscription: 'projects/sandbox/subscriptions/gmail-push',
  });
}

function post(url: URL, agent: Agent, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
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

const google = await startGoogleEmulator({ mailbox: MAILBOX });
let recorded = 0;
const routes = gmailPushRoutes({
  verifier: createPushVerifier({
    kind: 'oidc',
    audience: AUDIENCE,
    serviceAccountEmail: PUSHER,
    certsUrl: google.certsUrl,
  }),
  record: () => {
    recorded++;
  },
  expectedMailbox: MAILBOX,
  logger: silentLogger,
});
const server = await startEmulator(new Hono().route('/webhooks/gmail', routes));
const url = new URL(`${server.url}/webhooks/gmail`);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
// Pub/Sub reuses a push token for many requests; the verifier has no token cache, so every
// request pays the full signature check whichever token it carries. A small pool is enough.
const tokens = Array.from({ length: 16 }, () =>
  google.identity.mintIdToken({ audience: AUDIENCE, email: PUSHER }),
);

const latencies: number[] = [];
const failures: number[] = [];
try {
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const body = envelope(i);
    const started = performance.now();
    const status = await post(url, agent, tokens[i % tokens.length] ?? '', body);
    const elapsed = performance.now() - started;
    if (status !== 204) failures.push(status);
    if (i >= WARMUP) latencies.push(elapsed);
  }
} finally {
  agent.destroy();
  await server.close();
  await google.close();
}

if (failures.length > 0 || recorded !== WARMUP + REQUESTS) {
  process.stderr.write(
    `webhook bench invalid: ${failures.length} non-204 answers (${[...new Set(failures)].join(', ')}), ` +
      `${recorded} of ${WARMUP + REQUESTS} recorded\n`,
  );
  process.exit(1);
}

latencies.sort((a, b) => a - b);
const figures = {
  webhook_requests: REQUESTS,
  webhook_p50_ms: Number(percentile(latencies, 50).toFixed(3)),
  webhook_p99_ms: Number(percentile(latencies, 99).toFixed(3)),
  webhook_max_ms: Number((latencies.at(-1) ?? 0).toFixed(3)),
};
const targets: Record<string, string> = {
  webhook_p99_ms:
    figures.webhook_p99_ms < TARGET_P99_MS
      ? `ok (< ${TARGET_P99_MS} ms)`
      : `MISSED (< ${TARGET_P99_MS} ms)`,
};
const width = Math.max(...Object.keys(figures).map((k) => k.length));
process.stdout.write(
  `gmail webhook benchmark (${REQUESTS} sequential OIDC-signed pushes, loopback, keep-alive, ` +
    'no-op record)\n',
);
for (const [k, v] of Object.entries(figures))
  process.stdout.write(`  ${k.padEnd(width)}  ${String(v).padStart(10)}  ${targets[k] ?? ''}\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
