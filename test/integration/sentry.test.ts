/**
 * Sentry (OBS-04) in a real child process started the way the service is: `--import` of the
 * instrument entry initialises the SDK first; then a pino error log inside `withIsolation`, and a
 * Hono route error passed to `captureRequestError`, must reach the sandbox collector with their
 * tags — and with no secret, cookie or email body anywhere in what was sent.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { startSentryCollector } from '../../src/sandbox/sentry/collector.js';

const run = promisify(execFile);
const BODY = 'Hi! For two reels my rate is $4,200, final offer. Warmly, Mia';
const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-9999-8888-sentrytestbottoken',
  ANTHROPIC_API_KEY: 'sk-ant-api03-sentry-test-api-key',
  GMAIL_PUSH_TOKEN: 'push-shared-secret-7d1f2c',
};
const COOKIE = 'sid=cookie-session-value-123';

/** Runs inside the child, after src/instrument.ts: the code the service would run. */
const CHILD = `
import { serve } from '@hono/node-server';
import * as Sentry from '@sentry/node';
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { loadConfig } from './src/config.ts';
import { createLogger } from './src/observability/logger.ts';
import { captureRequestError, closeSentry, honoSentry, withIsolation } from './src/observability/sentry.ts';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, environment: config.env, secrets: Object.values(config.secrets) });
const body = process.env.TEST_BODY;

// Two effects at once: each error must carry its own tags, not the other's.
await Promise.all([
  ['neg_7', 'sendEmail', 'neg_7:email:round-2'],
  ['neg_8', 'postSlack', 'neg_8:slack:agreement'],
].map(([negotiationId, effectKind, actionId]) =>
  withIsolation({ negotiationId, effectKind, actionId }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    logger.error({
      err: new Error(effectKind + ' failed for ' + negotiationId + ' with ' + config.secrets.SLACK_BOT_TOKEN),
      email: { bodyText: body },
      headers: { authorization: 'Bearer ' + config.secrets.ANTHROPIC_API_KEY },
    }, 'effect failed');
  }),
));

const app = new Hono();
app.use(honoSentry({ requestId: (c) => c.req.header('x-request-id') }));
app.post('/api/v1/negotiations/:id/approve', async (c) => {
  await c.req.text();
  throw new Error('approval store unavailable');
});
app.onError((err, c) => {
  const requestId = c.req.header('x-request-id') ?? 'none';
  captureRequestError(err, { method: c.req.method, route: routePath(c), requestId, negotiationId: c.req.param('id') });
  // The same error logged as well: Sentry's dedupe must keep only the tagged capture.
  logger.error({ err, requestId }, 'request failed');
  return c.json({ error: 'internal', requestId }, 500);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, async (info) => {
  const url = 'http://127.0.0.1:' + info.port + '/api/v1/negotiations/neg_9/approve?token=' + config.secrets.GMAIL_PUSH_TOKEN;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: 'Bearer ' + config.secrets.ANTHROPIC_API_KEY,
      cookie: process.env.TEST_COOKIE,
      'x-request-id': 'req_abc',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ body }),
  });
  await response.text();
  server.close();
  const initialized = Sentry.isInitialized();
  await closeSentry(5000);
  process.stdout.write('RESULT ' + JSON.stringify({ status: response.status, initialized }) + '\\n');
});
`;

async function child(env: Record<string, string>) {
  const { stdout, stderr } = await run(
    process.execPath,
    ['--import', 'tsx', '--import', './src/instrument.ts', '--input-type=module', '-e', CHILD],
    {
      cwd: projectRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
        NODE_ENV: 'production',
        ENV_FILE: join(projectRoot(), '.env.example'),
        TEST_BODY: BODY,
        TEST_COOKIE: COOKIE,
        ...SECRETS,
        ...env,
      },
    },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the child printed no result:\n${stdout}\n${stderr}`);
  return { ...(JSON.parse(line.slice(7)) as { status: number; initialized: boolean }), stdout };
}

let collector: Awaited<ReturnType<typeof startSentryCollector>>;
const version = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version;

beforeAll(async () => {
  collector = await startSentryCollector();
});
afterAll(() => collector.close());
beforeEach(() => collector.reset());

interface SentEvent {
  tags?: Record<string, string>;
  logger?: string;
  environment?: string;
  release?: string;
  exception?: { values: Array<{ value: string; mechanism?: { handled?: boolean } }> };
}

describe('Sentry in the service process', { timeout: 60_000 }, () => {
  it('sends error logs and request errors with their tags, and nothing secret', async () => {
    const result = await child({ SENTRY_DSN: collector.dsn });
    expect(result).toMatchObject({ status: 500, initialized: true });
    const events = collector.events().map((e) => e.event as SentEvent);
    const byMessage = (text: string) =>
      events.filter((e) => e.exception?.values.some((v) => v.value.includes(text)));

    const [email] = byMessage('sendEmail failed for neg_7');
    const [slack] = byMessage('postSlack failed for neg_8');
    expect(email?.logger).toBe('pino');
    expect(email?.tags).toMatchObject({
      negotiation_id: 'neg_7',
      effect_kind: 'sendEmail',
      action_id: 'neg_7:email:round-2',
    });
    expect(slack?.tags).toMatchObject({ negotiation_id: 'neg_8', effect_kind: 'postSlack' });
    expect(email?.environment).toBe('production');
    expect(email?.release).toBe(`negotiator@${version}`);

    const requestErrors = byMessage('approval store unavailable');
    expect(requestErrors).toHaveLength(1);
    expect(requestErrors[0]?.tags).toMatchObject({
      'http.method': 'POST',
      'http.route': '/api/v1/negotiations/:id/approve',
      request_id: 'req_abc',
      negotiation_id: 'neg_9',
    });
    expect(requestErrors[0]?.exception?.values[0]?.mechanism?.handled).toBe(false);
    expect(events).toHaveLength(3);

    const sent = JSON.stringify(collector.events());
    for (const secret of [...Object.values(SECRETS), 'cookie-session-value-123', BODY, '$4,200'])
      expect(sent).not.toContain(secret);
    // The same values were in reach of the process: its own log lines are scrubbed too.
    for (const secret of Object.values(SECRETS)) expect(result.stdout).not.toContain(secret);
    expect(result.stdout).not.toContain(BODY);
  });

  it('stays off, and harmless, without SENTRY_DSN', async () => {
    const before = collector.requests();
    const result = await child({});
    expect(result).toMatchObject({ status: 500, initialized: false });
    expect(collector.requests()).toBe(before);
    expect(result.stdout).toContain('"msg":"request failed"');
  });
});
