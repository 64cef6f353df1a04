/**
 * The service app over a real loopback port (and `app.request()` where a port adds nothing):
 * liveness, readiness against a real SQLite file and token file whose permissions and presence
 * change under it, request ids through headers, request context and log lines, and the one JSON
 * error shape for 404, 413 and 500. Logs are captured from a real pino logger.
 * Long because it is the whole contract of the app factory in one place.
 */
import { chmodSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MIGRATIONS_FOLDER, openMigratedDatabase } from '../../src/db/open.js';
import {
  type AppEnv,
  createApp,
  createReadiness,
  type ReadinessReport,
} from '../../src/http/app.js';
import { createPushVerifier, gmailPushRoutes } from '../../src/http/webhooks/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { currentRequestId } from '../../src/observability/request-context.js';
import { startEmulator } from '../../src/sandbox/server.js';
import { tempDatabasePath } from '../support/runtime.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const INTERNAL = 'disk quota exceeded at /var/lib/negotiator/secret-path';
const MAX_BODY = 1024;

type LogLine = Record<string, unknown> & { level: number; msg: string };

/** Routes standing in for the API: a parametrised one, one that reads a body, one that throws. */
function testApi(calls: { notes: number }) {
  const api = new Hono<AppEnv>();
  api.get('/negotiations/:id', async (c) => {
    // Cross an async boundary: the request context must survive it.
    await new Promise((resolve) => setImmediate(resolve));
    c.var.logger.info({ negotiationId: c.req.param('id') }, 'negotiation looked up');
    return c.json({ id: c.req.param('id'), requestId: currentRequestId() ?? null });
  });
  api.post('/notes', async (c) => {
    calls.notes++;
    return c.json({ bytes: (await c.req.arrayBuffer()).byteLength });
  });
  api.get('/boom', () => {
    throw new Error(INTERNAL);
  });
  return api;
}

function harness(options: { readiness?: () => ReadinessReport | Promise<ReadinessReport> } = {}) {
  const logs: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line) => logs.push(JSON.parse(line) as LogLine) },
  });
  const state = { stopping: false, readinessCalls: 0, notes: 0 };
  const readiness = options.readiness ?? (() => ({ ready: true, checks: [] }));
  const app = createApp({
    logger,
    metrics: createMetrics({ defaults: false }),
    readiness: () => {
      state.readinessCalls++;
      return readiness();
    },
    shuttingDown: () => state.stopping,
    api: testApi(state),
    webhooks: {
      gmail: gmailPushRoutes({
        verifier: createPushVerifier({ kind: 'token', token: 'the-real-push-token-0123456789' }),
        record: () => {},
        logger,
      }),
    },
    maxBodyBytes: MAX_BODY,
  });
  return { app, logs, state };
}

async function served(h: ReturnType<typeof harness>) {
  const server = await startEmulator(h.app as unknown as Hono);
  onTestFinished(() => server.close());
  return server.url;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    requestId: response.headers.get('x-request-id'),
  };
}

/** A POST whose body goes out in chunks with no Content-Length (Transfer-Encoding: chunked). */
function postChunked(url: string, chunks: Buffer[]) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const requestLines = (logs: LogLine[]) => logs.filter((line) => line.msg === 'http request');

describe('GET /health', () => {
  it('answers ok over a real port without consulting readiness', async () => {
    const h = harness({
      readiness: () => {
        throw new Error('the database is gone');
      },
    });
    const url = await served(h);
    const response = await get(`${url}/health`);
    expect(response).toEqual({
      status: 200,
      body: { status: 'ok' },
      requestId: expect.any(String),
    });
    expect(h.state.readinessCalls).toBe(0);
  });
});

/** A migrated database file, a token file in another directory, and the app's readiness over them. */
async function readyHarness() {
  const databasePath = tempDatabasePath();
  const database = openMigratedDatabase({ path: databasePath, synchronous: 'NORMAL' });
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'negotiator-token-')), 'gmail.json');
  writeFileSync(tokenFile, '{"refresh_token":"x"}');
  const flags = { workers: true, stopping: false };
  const readiness = createReadiness({
    sqlite: database.sqlite,
    databasePath,
    gmailTokenFile: tokenFile,
    workersRunning: () => flags.workers,
    shuttingDown: () => flags.stopping,
  });
  const h = harness({ readiness });
  onTestFinished(() => {
    // Leave the temp directory removable whatever the test did to it.
    chmodSync(dirname(databasePath), 0o755);
    chmodSync(databasePath, 0o644);
    database.close();
  });
  const url = await served(h);
  return { h, url, database, databasePath, tokenFile, flags, ready: () => get(`${url}/ready`) };
}

describe('GET /ready', () => {
  it('is ready when the database is writable and migrated, the token is there, workers run', async () => {
    const { ready } = await readyHarness();
    expect(await ready()).toMatchObject({
      status: 200,
      body: {
        status: 'ready',
        checks: [
          { name: 'database', detail: 'writable' },
          { name: 'migrations', detail: 'all applied' },
          { name: 'gmail_token', detail: 'present' },
          { name: 'workers', detail: 'running' },
        ],
      },
    });
  });

  it('turns 503 when the database file and its directory become read-only, and back', async () => {
    const { ready, databasePath, database } = await readyHarness();
    expect((await ready()).status).toBe(200);
    chmodSync(databasePath, 0o444);
    chmodSync(dirname(databasePath), 0o555);
    expect(await ready()).toEqual({
      status: 503,
      body: {
        status: 'not_ready',
        failing: [{ name: 'database', detail: expect.stringMatching(/database file/) }],
      },
      requestId: expect.any(String),
    });
    chmodSync(dirname(databasePath), 0o755);
    chmodSync(databasePath, 0o644);
    expect((await ready()).status).toBe(200);
    // The probe left nothing behind.
    expect(
      database.sqlite.prepare("select name from sqlite_master where name like '%probe%'").all(),
    ).toEqual([]);
  });

  it('turns 503 when only the directory is read-only (no journal could be created there)', async () => {
    const { ready, databasePath } = await readyHarness();
    chmodSync(dirname(databasePath), 0o555);
    expect((await ready()).body).toEqual({
      status: 'not_ready',
      failing: [{ name: 'database', detail: expect.stringMatching(/database directory/) }],
    });
  });

  it('turns 503 while the Gmail token file is missing, and back when it returns', async () => {
    const { ready, tokenFile } = await readyHarness();
    renameSync(tokenFile, `${tokenFile}.moved`);
    expect(await ready()).toMatchObject({
      status: 503,
      body: { failing: [{ name: 'gmail_token', detail: 'the token file is missing' }] },
    });
    renameSync(`${tokenFile}.moved`, tokenFile);
    expect((await ready()).status).toBe(200);
    writeFileSync(tokenFile, '');
    expect((await ready()).body).toMatchObject({
      failing: [{ name: 'gmail_token', detail: 'the token file is empty' }],
    });
  });

  it('turns 503 when a migration in the journal is not applied to the database', async () => {
    const { ready, database } = await readyHarness();
    const journal = JSON.parse(
      readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
    ) as { entries: Array<{ tag: string; when: number }> };
    const last = journal.entries.at(-1);
    if (!last) throw new Error('the journal has no migrations');
    database.sqlite.prepare('delete from __drizzle_migrations where created_at = ?').run(last.when);
    expect((await ready()).body).toEqual({
      status: 'not_ready',
      failing: [{ name: 'migrations', detail: `not applied: ${last.tag}` }],
    });
  });

  it('turns 503 when the workers are not running', async () => {
    const { ready, flags } = await readyHarness();
    flags.workers = false;
    expect((await ready()).body).toEqual({
      status: 'not_ready',
      failing: [{ name: 'workers', detail: 'workers are not running' }],
    });
  });

  it('answers 503 shutting_down first during shutdown, without running the checks', async () => {
    const h = harness();
    const url = await served(h);
    expect((await get(`${url}/ready`)).status).toBe(200);
    h.state.stopping = true;
    expect(await get(`${url}/ready`)).toMatchObject({
      status: 503,
      body: { status: 'not_ready', failing: [{ name: 'shutting_down' }] },
    });
    expect(h.state.readinessCalls).toBe(1);
  });

  it('reports only shutting_down from createReadiness itself once shutdown began', async () => {
    const { flags, database } = await readyHarness();
    flags.stopping = true;
    database.close(); // the checks would fail loudly if they touched the database now
    const readiness = createReadiness({
      sqlite: database.sqlite,
      databasePath: ':memory:',
      workersRunning: () => true,
      shuttingDown: () => flags.stopping,
    });
    expect(readiness()).toEqual({
      ready: false,
      checks: [{ name: 'shutting_down', ok: false, detail: 'the service is stopping' }],
    });
  });

  it('answers 503 when the readiness checks themselves throw', async () => {
    const h = harness({
      readiness: () => {
        throw new Error(INTERNAL);
      },
    });
    const response = await h.app.request('/ready');
    expect(response.status).toBe(503);
    expect(await response.text()).not.toContain('secret-path');
  });
});

describe('request ids', () => {
  it('echoes a sane inbound id and carries it into the handler and every log line', async () => {
    const h = harness();
    const url = await served(h);
    const id = 'edge-proxy:7f3a.42_b';
    const response = await get(`${url}/api/v1/negotiations/neg_9`, { 'X-Request-Id': id });
    expect(response).toEqual({
      status: 200,
      body: { id: 'neg_9', requestId: id },
      requestId: id,
    });
    expect(h.logs.map((line) => [line.msg, line.requestId])).toEqual([
      ['negotiation looked up', id],
      ['http request', id],
    ]);
  });

  it.each([
    ['with a space', 'abc def'],
    ['too long', 'a'.repeat(129)],
    ['with markup', '<script>alert(1)</script>'],
    ['with a slash', 'a/b'],
  ])('replaces an inbound id %s with a fresh UUID', async (_, inbound) => {
    const h = harness();
    const response = await h.app.request('/api/v1/negotiations/x', {
      headers: { 'X-Request-Id': inbound },
    });
    const echoed = response.headers.get('x-request-id') ?? '';
    expect(echoed).toMatch(UUID);
    expect(((await response.json()) as { requestId: string }).requestId).toBe(echoed);
    expect(JSON.stringify(h.logs)).not.toContain(inbound);
  });

  it('gives concurrent requests their own ids', async () => {
    const h = harness();
    const url = await served(h);
    const ids = Array.from({ length: 8 }, (_, i) => `req-${i}`);
    const responses = await Promise.all(
      ids.map((id) => get(`${url}/api/v1/negotiations/n${id}`, { 'X-Request-Id': id })),
    );
    expect(responses.map((r) => [r.requestId, r.body.requestId])).toEqual(
      ids.map((id) => [id, id]),
    );
    for (const line of h.logs.filter((l) => l.msg === 'negotiation looked up'))
      expect(line.negotiationId).toBe(`n${String(line.requestId)}`);
  });
});

describe('request log lines', () => {
  it('writes one line per request with method, route template, status, duration and id', async () => {
    const h = harness();
    const url = await served(h);
    await fetch(`${url}/api/v1/negotiations/neg_1?email=ada@creators.test`, {
      headers: { authorization: 'Bearer sekrit-bearer-token', 'X-Request-Id': 'one' },
    });
    await fetch(`${url}/api/v1/notes`, {
      method: 'POST',
      headers: { 'X-Request-Id': 'two', authorization: 'Basic c2VrcmV0' },
      body: 'a private note body',
    });
    await fetch(`${url}/health`, { headers: { 'X-Request-Id': 'three' } });
    expect(requestLines(h.logs)).toEqual([
      expect.objectContaining({
        level: 30,
        requestId: 'one',
        method: 'GET',
        route: '/api/v1/negotiations/:id',
        status: 200,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ level: 30, requestId: 'two', route: '/api/v1/notes', status: 200 }),
      // Probes are logged at debug level.
      expect.objectContaining({ level: 20, requestId: 'three', route: '/health', status: 200 }),
    ]);
    const all = JSON.stringify(h.logs);
    for (const secret of ['sekrit-bearer-token', 'c2VrcmV0', 'private note', 'ada@creators'])
      expect(all).not.toContain(secret);
    // The raw path (with its id) is not in the request lines, only the template.
    expect(JSON.stringify(requestLines(h.logs))).not.toContain('neg_1');
  });

  it('never logs the Gmail webhook query token, even when it is wrong', async () => {
    const h = harness();
    const url = await served(h);
    const response = await fetch(`${url}/webhooks/gmail?token=guessed-token-value-42`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(requestLines(h.logs)).toEqual([
      expect.objectContaining({ route: '/webhooks/gmail', status: 401, method: 'POST' }),
    ]);
    expect(JSON.stringify(h.logs)).not.toContain('guessed-token-value');
  });
});

describe('error responses', () => {
  it('answers an unknown route with 404 JSON carrying the request id', async () => {
    const h = harness();
    const url = await served(h);
    const response = await get(`${url}/no/such/route`, { 'X-Request-Id': 'lost-1' });
    expect(response).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no such route' }, requestId: 'lost-1' },
      requestId: 'lost-1',
    });
    expect(requestLines(h.logs)).toEqual([
      expect.objectContaining({ route: 'unmatched', status: 404, requestId: 'lost-1' }),
    ]);
  });

  it('hides a handler error behind a 500 JSON body and logs it with the request id', async () => {
    const h = harness();
    const url = await served(h);
    const response = await fetch(`${url}/api/v1/boom`, { headers: { 'X-Request-Id': 'boom-1' } });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('boom-1');
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal_error', message: 'internal error' },
      requestId: 'boom-1',
    });
    expect(text).not.toContain('secret-path');
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    const failure = h.logs.find((line) => line.msg === 'request failed');
    expect(failure).toMatchObject({
      level: 50,
      requestId: 'boom-1',
      err: { message: INTERNAL, stack: expect.stringContaining('http-app.test.ts') },
    });
    expect(requestLines(h.logs)).toEqual([
      expect.objectContaining({ level: 50, route: '/api/v1/boom', status: 500 }),
    ]);
  });

  it('refuses a body over the limit with 413 JSON when its Content-Length says so', async () => {
    const h = harness();
    const url = await served(h);
    const response = await fetch(`${url}/api/v1/notes`, {
      method: 'POST',
      headers: { 'X-Request-Id': 'big-1' },
      body: 'x'.repeat(MAX_BODY + 1),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: `the request body is larger than ${MAX_BODY} bytes`,
      },
      requestId: 'big-1',
    });
    expect(h.state.notes).toBe(0);
    expect(requestLines(h.logs)).toEqual([
      expect.objectContaining({ route: '/api/v1/notes', status: 413 }),
    ]);
  });

  it('refuses a chunked body once it grows past the limit, and accepts one under it', async () => {
    const h = harness();
    const url = await served(h);
    const small = await postChunked(`${url}/api/v1/notes`, [
      Buffer.alloc(400, 'a'),
      Buffer.alloc(400, 'b'),
    ]);
    expect(small).toEqual({ status: 200, body: { bytes: 800 } });
    const big = await postChunked(`${url}/api/v1/notes`, [
      Buffer.alloc(400, 'a'),
      Buffer.alloc(400, 'b'),
      Buffer.alloc(400, 'c'),
    ]);
    expect(big).toEqual({
      status: 413,
      body: {
        error: {
          code: 'payload_too_large',
          message: `the request body is larger than ${MAX_BODY} bytes`,
        },
        requestId: expect.stringMatching(UUID),
      },
    });
  });
});
