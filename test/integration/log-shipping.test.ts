/**
 * Log shipping (OBS-07) to a real Loki-style receiver on loopback (a small Hono server): lines
 * arrive batched, gzipped, with labels and basic auth; and when the receiver is down, failing,
 * refusing or hanging, the logger keeps logging, the buffer stays bounded and nothing throws.
 */
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createLogShipper,
  type LogShipper,
  type LogShipperOptions,
  parseLogLabels,
} from '../../src/observability/log-shipping.js';
import { createLogger } from '../../src/observability/logger.js';
import { startEmulator } from '../../src/sandbox/server.js';

interface Push {
  authorization: string | undefined;
  encoding: string | undefined;
  streams: Array<{ stream: Record<string, string>; values: Array<[string, string]> }>;
}

type Mode = { kind: 'ok' } | { kind: 'status'; status: number; body?: string } | { kind: 'hang' };

/** A Loki push endpoint that records what it accepts and answers as scripted. */
async function startReceiver(port = 0) {
  const pushes: Push[] = [];
  const script: Mode[] = [];
  let requests = 0;
  const app = new Hono();
  app.post('/loki/api/v1/push', async (c) => {
    requests += 1;
    const mode = script.shift() ?? { kind: 'ok' };
    if (mode.kind === 'hang') return new Promise<Response>(() => {});
    const raw = Buffer.from(await c.req.arrayBuffer());
    const encoding = c.req.header('content-encoding');
    if (mode.kind === 'status') return c.text(mode.body ?? 'failure', mode.status as 500);
    const json = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    pushes.push({ authorization: c.req.header('authorization'), encoding, ...JSON.parse(json) });
    return c.body(null, 204);
  });
  const server = await startEmulator(app, { port });
  return {
    server,
    pushes,
    requests: () => requests,
    /** The next answers, in order; afterwards every push is accepted. */
    answer: (...modes: Mode[]) => void script.push(...modes),
    lines: () => pushes.flatMap((p) => p.streams.flatMap((s) => s.values.map((v) => v[1]))),
  };
}

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function shipperFor(url: string, options: Partial<LogShipperOptions> = {}) {
  const problems: string[] = [];
  const shipper = createLogShipper({
    url,
    user: '123456',
    token: 'glc_shipping-secret-token',
    labels: { env: 'test', host: 'vm-1' },
    onProblem: (m) => problems.push(m),
    ...options,
  });
  cleanup.push(() => shipper.close(500));
  return { shipper, problems };
}

function loggerFor(shipper: LogShipper) {
  const local: string[] = [];
  const logger = createLogger({ destination: { write: (l) => void local.push(l) }, ship: shipper });
  return { logger, local };
}

async function receiver(port = 0) {
  const r = await startReceiver(port);
  cleanup.push(() => r.server.close());
  return r;
}

describe('log shipping', () => {
  it('delivers every line once, in order, batched and gzipped, with labels and basic auth', async () => {
    const r = await receiver();
    const { shipper } = shipperFor(r.server.url, { batchLines: 1000 });
    const { logger, local } = loggerFor(shipper);
    for (let i = 0; i < 2500; i += 1) logger.info({ i }, 'tick');
    logger.error({ negotiationId: 'neg_1' }, 'send failed');
    await shipper.flush();

    expect(r.pushes.length).toBeGreaterThanOrEqual(3);
    const lines = r.lines();
    expect(lines).toHaveLength(2501);
    expect(lines.filter((l) => l.includes('"tick"')).map((l) => JSON.parse(l).i)).toEqual(
      Array.from({ length: 2500 }, (_, i) => i),
    );
    expect(lines.map((l) => `${l}\n`).sort()).toEqual([...local].sort());
    const auth = `Basic ${Buffer.from('123456:glc_shipping-secret-token').toString('base64')}`;
    for (const push of r.pushes) {
      expect(push.authorization).toBe(auth);
      expect(push.encoding).toBe('gzip');
    }
    const streams = r.pushes.flatMap((p) => p.streams);
    const error = streams.find((s) => s.stream.level === 'error');
    expect(error?.stream).toEqual({
      service_name: 'negotiator',
      env: 'test',
      host: 'vm-1',
      level: 'error',
    });
    const [ns, line] = error?.values[0] ?? ['', ''];
    expect(ns).toBe(`${JSON.parse(line).time}000000`);
    expect(shipper.stats()).toMatchObject({
      bufferedLines: 0,
      bufferedBytes: 0,
      shippedLines: 2501,
    });
  });

  it('keeps logging with the receiver down: bounded buffer, oldest dropped and reported later', async () => {
    const r = await receiver();
    const port = r.server.port;
    await r.server.close();
    const maxBufferedBytes = 64 * 1024;
    const { shipper, problems } = shipperFor(`http://127.0.0.1:${port}`, {
      maxBufferedBytes,
      batchBytes: 16 * 1024,
      backoffMs: { min: 10, max: 50 },
    });
    const { logger, local } = loggerFor(shipper);
    const started = performance.now();
    let peak = 0;
    for (let i = 0; i < 20_000; i += 1) {
      logger.info({ i, padding: 'x'.repeat(100) }, 'while down');
      if (i % 100 === 0) peak = Math.max(peak, shipper.stats().bufferedBytes);
    }
    const elapsed = performance.now() - started;
    expect(peak).toBeLessThanOrEqual(maxBufferedBytes);
    expect(peak).toBeGreaterThan(maxBufferedBytes / 2);
    await shipper.flush();
    expect(local).toHaveLength(20_000);
    const stats = shipper.stats();
    expect(stats.bufferedBytes).toBeLessThanOrEqual(maxBufferedBytes);
    expect(stats.droppedLines).toBeGreaterThan(19_000);
    expect(stats.failedPushes).toBeGreaterThanOrEqual(1);
    expect(stats.lastError).toBeTruthy();
    // 20,000 lines of ~200 bytes with shipping failing: logging is not slowed to a crawl.
    expect(elapsed).toBeLessThan(5_000);

    const back = await receiver(port);
    await shipper.flush();
    await shipper.flush();
    const lines = back.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const kept = lines.filter((l) => l.msg === 'while down').map((l) => l.i as number);
    expect(kept.length).toBe(stats.bufferedLines);
    expect(kept.at(-1)).toBe(19_999);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    const report = lines.find((l) => l.droppedLines !== undefined);
    expect(report).toMatchObject({ level: 40, droppedLines: 20_000 - kept.length });
    expect(problems.join('\n')).toMatch(/failed[\s\S]*answers again/);
    expect(problems.join('\n')).not.toContain('glc_shipping-secret-token');
  });

  it('retries after 500s with backoff and delivers each line exactly once', async () => {
    const r = await receiver();
    r.answer({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    const { shipper } = shipperFor(r.server.url, {
      flushIntervalMs: 10,
      backoffMs: { min: 20, max: 100 },
    });
    const { logger } = loggerFor(shipper);
    for (let i = 0; i < 50; i += 1) logger.info({ i }, 'retry me');
    await vi.waitFor(() => expect(r.lines()).toHaveLength(50), { timeout: 5000, interval: 20 });
    expect(r.requests()).toBe(3);
    expect(r.lines().map((l) => JSON.parse(l).i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shipper.stats()).toMatchObject({
      failedPushes: 2,
      lastError: 'HTTP 503',
      droppedLines: 0,
    });
  });

  it('gives up on a slow receiver at the timeout, without slowing the logger', async () => {
    const r = await receiver();
    r.answer({ kind: 'hang' });
    const { shipper } = shipperFor(r.server.url, {
      timeoutMs: 200,
      flushIntervalMs: 10,
      backoffMs: { min: 20, max: 50 },
    });
    const { logger } = loggerFor(shipper);
    logger.info('first');
    const flushStarted = performance.now();
    await shipper.flush();
    const flushMs = performance.now() - flushStarted;
    expect(flushMs).toBeGreaterThanOrEqual(150);
    expect(flushMs).toBeLessThan(2000);
    expect(shipper.stats().lastError).toBe('no answer within 200 ms');
    const writeStarted = performance.now();
    for (let i = 0; i < 1000; i += 1) logger.info({ i }, 'during the outage');
    expect(performance.now() - writeStarted).toBeLessThan(1000);
    await vi.waitFor(() => expect(r.lines()).toHaveLength(1001), { timeout: 5000, interval: 20 });
    expect(JSON.parse(r.lines()[0] ?? '{}').msg).toBe('first');
  });

  it('drops a batch the receiver refuses for good, and says how many', async () => {
    const r = await receiver();
    r.answer({ kind: 'status', status: 400, body: 'entry too far behind' });
    const { shipper, problems } = shipperFor(r.server.url);
    const { logger } = loggerFor(shipper);
    for (let i = 0; i < 10; i += 1) logger.info({ i }, 'refused');
    await shipper.flush();
    expect(shipper.stats()).toMatchObject({ droppedLines: 10, bufferedLines: 0 });
    expect(problems[0]).toMatch(/HTTP 400: entry too far behind/);
    logger.info('after');
    await shipper.flush();
    await shipper.flush();
    const lines = r.lines().map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toContain('after');
    expect(lines.find((l) => l.droppedLines)).toMatchObject({ droppedLines: 10 });
    expect(r.requests()).toBe(3);
  });

  it('takes credentials from the URL and never sends them in it', async () => {
    const r = await receiver();
    const shipper = createLogShipper({
      url: `http://42:tok-in-url-123@127.0.0.1:${r.server.port}/`,
      onProblem: () => {},
    });
    cleanup.push(() => shipper.close(500));
    shipper.write('{"level":30,"time":1,"msg":"hi"}\n');
    await shipper.close();
    expect(r.pushes[0]?.authorization).toBe(
      `Basic ${Buffer.from('42:tok-in-url-123').toString('base64')}`,
    );
    expect(r.lines()).toEqual(['{"level":30,"time":1,"msg":"hi"}']);
  });
});

describe('parseLogLabels', () => {
  it('reads name=value pairs and names a bad one', () => {
    expect(parseLogLabels('env=prod, host = vm-1')).toEqual({ env: 'prod', host: 'vm-1' });
    expect(parseLogLabels(undefined)).toEqual({});
    expect(() => parseLogLabels('env=prod,bad-name=x')).toThrow(/"bad-name=x"/);
    expect(() => parseLogLabels('env')).toThrow(/"env"/);
  });
});
