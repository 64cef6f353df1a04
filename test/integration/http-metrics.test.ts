/**
 * `GET /metrics` over a real port, after real requests and a real runtime that drove negotiations
 * to an agreement and an escalation on a SQLite file: route templates in the HTTP metrics, the
 * business metrics read from the database at scrape time, and `promtool check metrics` on the
 * real output. promtool comes from the Debian package `prometheus`; when it is missing the lint
 * test fails under CI and is skipped (saying why) elsewhere.
 * Over 250 lines because the scenario (a runtime on disk, served app, scrapes) is built once and
 * shared by every check of the one endpoint.
 */
import { spawnSync } from 'node:child_process';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailStore, type EmailRecord } from '../../src/db/mail-store.js';
import { openMigratedDatabase } from '../../src/db/open.js';
import { PermanentError } from '../../src/domain/errors.js';
import { type AppEnv, createApp } from '../../src/http/app.js';
import { registerBusinessMetrics } from '../../src/observability/business-metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { type RunningEmulator, startEmulator } from '../../src/sandbox/server.js';
import { createManualClock } from '../support/manual-clock.js';
import {
  createTestNegotiation,
  recordingHandlers,
  startRuntime,
  tempDatabasePath,
} from '../support/runtime.js';

type Rt = ReturnType<typeof startRuntime>;
type Clock = ReturnType<typeof createManualClock>;

const AGREED_CENTS = 110_000;
const WATCH_EXPIRES_AT = 1_800_604_800_000;

/** Runs the outbox until nothing is due now. */
async function drain(rt: Rt, clock: Clock): Promise<void> {
  for (let i = 0; i < 200; i++) {
    clock.advance(0);
    await rt.worker.idle();
    const next = rt.outbox.nextWakeAt();
    if (rt.worker.inFlight() === 0 && (next === null || next > clock.now())) return;
  }
  throw new Error('outbox did not settle');
}

function email(direction: 'in' | 'out', n: number, at: number): EmailRecord {
  return {
    gmailMessageId: `gm-${direction}-${n}`,
    threadId: 'thread-neg_agreed',
    negotiationId: 'neg_agreed',
    direction,
    from: direction === 'in' ? 'ada@creators.test' : 'team@brand.test',
    to: direction === 'in' ? 'team@brand.test' : 'ada@creators.test',
    cc: null,
    subject: 'Re: collaboration',
    bodyText: 'text',
    latestReply: null,
    rfc822MessageId: null,
    referencesChain: null,
    state: null,
    offerCents: null,
    askCents: null,
    at,
  };
}

/** One negotiation agreed, one escalated by a dead send, one just opened; mail and a watch. */
async function negotiationsOnDisk(): Promise<{ rt: Rt; clock: Clock }> {
  const clock = createManualClock();
  const { handlers } = recordingHandlers();
  const send = handlers.sendEmail;
  handlers.sendEmail = {
    async run(effect, ctx) {
      if (ctx.negotiationId === 'neg_escalated') throw new PermanentError('recipient rejected');
      if (!send) throw new Error('no send handler');
      return send.run(effect, ctx);
    },
  };
  const rt = startRuntime({ path: tempDatabasePath(), clock, handlers });
  rt.start();
  createTestNegotiation(rt, 'neg_agreed', { initialOfferCents: AGREED_CENTS });
  rt.dispatch('neg_agreed', { type: 'REPLY_RECEIVED', messageId: 'm1' }, { dedupeKey: 'gmail:m1' });
  createTestNegotiation(rt, 'neg_escalated');
  rt.dispatch('neg_escalated', { type: 'OFFER_REQUESTED' });
  createTestNegotiation(rt, 'neg_open');
  await drain(rt, clock);

  const mail = createMailStore(rt.database.sqlite, 'team@brand.test');
  mail.recordEmail(email('out', 1, clock.now()));
  mail.recordEmail(email('in', 1, clock.now()));
  mail.recordEmail(email('out', 2, clock.now()));
  mail.setWatchExpiration(WATCH_EXPIRES_AT, clock.now());
  return { rt, clock };
}

function testApi() {
  const api = new Hono<AppEnv>();
  api.get('/negotiations/:id', (c) => c.json({ id: c.req.param('id') }));
  api.get('/boom', () => {
    throw new Error('boom');
  });
  return api;
}

type Sample = { name: string; labels: Record<string, string>; value: number };

function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        if (key !== undefined && value !== undefined) labels[key] = value;
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with exactly these labels; undefined when there is none. */
function sampleValue(text: string, name: string, labels: Record<string, string> = {}) {
  const found = samples(text).filter(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name}`);
  return found[0]?.value;
}

let world: { rt: Rt; clock: Clock };
let metrics: Metrics;
let server: RunningEmulator;

beforeAll(async () => {
  world = await negotiationsOnDisk();
  metrics = createMetrics();
  registerBusinessMetrics(metrics.registry, world.rt.database.sqlite);
  const app = createApp({
    logger: silentLogger,
    metrics,
    readiness: () => ({ ready: true, checks: [] }),
    shuttingDown: () => false,
    api: testApi(),
  });
  server = await startEmulator(app as unknown as Hono);
});

afterAll(async () => {
  await server?.close();
  await world?.rt.close();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

async function someRequests(): Promise<void> {
  for (const path of [
    '/health',
    '/api/v1/negotiations/neg-42',
    '/api/v1/negotiations/neg-43',
    '/no/such/page',
    '/api/v1/boom',
  ]) {
    const response = await fetch(`${server.url}${path}`);
    await response.arrayBuffer();
  }
  const post = await fetch(`${server.url}/api/v1/negotiations/neg-44`, { method: 'POST' });
  await post.arrayBuffer();
}

describe('HTTP metrics', () => {
  it('labels requests by method, route template and status; unknown routes as unmatched', async () => {
    const before = await scrape();
    const templated = { method: 'GET', route: '/api/v1/negotiations/:id', status: '200' };
    const earlier = sampleValue(before, 'http_requests_total', templated) ?? 0;
    await someRequests();
    const text = await scrape();
    expect(sampleValue(text, 'http_requests_total', templated)).toBe(earlier + 2);
    expect(
      sampleValue(text, 'http_requests_total', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    // A path that exists for GET only: no route matched the POST.
    expect(
      sampleValue(text, 'http_requests_total', {
        method: 'POST',
        route: 'unmatched',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(text, 'http_requests_total', {
        method: 'GET',
        route: '/api/v1/boom',
        status: '500',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(text, 'http_request_duration_seconds_count', templated),
    ).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('neg-42');
    expect(text).not.toContain('/no/such/page');
  });
});

describe('business metrics', () => {
  it('reads negotiations, deals, escalations, emails, effects and the watch from SQLite', async () => {
    const text = await scrape();
    expect(sampleValue(text, 'negotiator_negotiations_active', { state: 'initialOffer' })).toBe(1);
    expect(sampleValue(text, 'negotiator_negotiations_active', { state: 'escalated' })).toBe(1);
    expect(sampleValue(text, 'negotiator_negotiations_active', { state: 'drafting' })).toBe(0);
    expect(
      sampleValue(text, 'negotiator_negotiations_active', { state: 'agreed' }),
    ).toBeUndefined();
    expect(sampleValue(text, 'negotiator_deals_closed_total')).toBe(1);
    expect(sampleValue(text, 'negotiator_deals_agreed_value_dollars_total')).toBe(
      AGREED_CENTS / 100,
    );
    expect(sampleValue(text, 'negotiator_escalations_total', { reason: 'effect_failed' })).toBe(1);
    expect(sampleValue(text, 'negotiator_escalations_total', { reason: 'hostile_tone' })).toBe(0);
    expect(sampleValue(text, 'negotiator_emails_total', { direction: 'in' })).toBe(1);
    expect(sampleValue(text, 'negotiator_emails_total', { direction: 'out' })).toBe(2);
    expect(
      sampleValue(text, 'negotiator_outbox_effects', { status: 'dead', kind: 'sendEmail' }),
    ).toBe(1);
    expect(
      sampleValue(text, 'negotiator_outbox_effects', { status: 'pending', kind: 'sendEmail' }),
    ).toBe(0);
    expect(
      sampleValue(text, 'negotiator_gmail_watch_expiry_timestamp_seconds', {
        mailbox: 'team@brand.test',
      }),
    ).toBe(WATCH_EXPIRES_AT / 1000);
    expect(sampleValue(text, 'negotiator_model_circuit_state')).toBe(0);
  });

  it('reflects the database at each scrape, with no hook in between', async () => {
    const before = sampleValue(await scrape(), 'negotiator_negotiations_active', {
      state: 'initialOffer',
    });
    createTestNegotiation(world.rt, 'neg_later');
    expect(
      sampleValue(await scrape(), 'negotiator_negotiations_active', { state: 'initialOffer' }),
    ).toBe((before ?? 0) + 1);
  });

  it('keeps the last values and counts the failure when the database cannot be read', async () => {
    const database = openMigratedDatabase({ path: tempDatabasePath(), synchronous: 'NORMAL' });
    const own = createMetrics({ defaults: false });
    registerBusinessMetrics(own.registry, database.sqlite);
    database.sqlite
      .prepare(
        "insert into emails (thread_id, direction, from_addr, to_addr, subject, body_text, at) values ('t', 'in', 'a', 'b', 's', 'x', 1)",
      )
      .run();
    expect(
      sampleValue(await own.registry.metrics(), 'negotiator_emails_total', { direction: 'in' }),
    ).toBe(1);
    database.close();
    const text = await own.registry.metrics();
    expect(sampleValue(text, 'negotiator_emails_total', { direction: 'in' })).toBe(1);
    expect(
      sampleValue(text, 'negotiator_business_metrics_errors_total', { metric: 'emails' }),
    ).toBe(1);
  });

  it('exposes the effect latency the worker observes', async () => {
    const labels = { kind: 'sendEmail', outcome: 'ok' };
    const before =
      sampleValue(await scrape(), 'negotiator_effect_latency_seconds_count', labels) ?? 0;
    metrics.effects.observeEffect('sendEmail', 0.42, 'ok');
    const text = await scrape();
    expect(sampleValue(text, 'negotiator_effect_latency_seconds_count', labels)).toBe(before + 1);
    expect(
      sampleValue(text, 'negotiator_effect_latency_seconds_bucket', { ...labels, le: '0.5' }),
    ).toBe(before + 1);
  });
});

const promtoolFound = !spawnSync('promtool', ['--version']).error;
const promtoolRequired = Boolean(process.env.CI);

function promtool(text: string) {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe('promtool check metrics', () => {
  it.skipIf(!promtoolFound && !promtoolRequired)(
    promtoolFound || promtoolRequired
      ? 'accepts the real /metrics output after real requests'
      : 'accepts the real /metrics output (skipped: promtool not installed; apt-get install prometheus)',
    async () => {
      if (!promtoolFound)
        throw new Error('promtool is required when CI is set: apt-get install -y prometheus');
      await someRequests();
      const text = await scrape();
      // promtool accepts empty input, so make sure this is the real thing first.
      for (const name of [
        'http_requests_total',
        'http_request_duration_seconds',
        'negotiator_negotiations_active',
        'negotiator_deals_closed_total',
        'negotiator_deals_agreed_value_dollars_total',
        'negotiator_escalations_total',
        'negotiator_emails_total',
        'negotiator_outbox_effects',
        'negotiator_effect_latency_seconds',
        'negotiator_gmail_watch_expiry_timestamp_seconds',
        'negotiator_model_calls_total',
        'process_cpu_seconds_total',
      ]) {
        expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
        expect(text).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
      }
      expect(promtool(text)).toEqual({ status: 0, output: '' });
      // And the check can fail: a counter without `_total` is refused.
      const broken = `${text}# HELP negotiator_broken_count broken\n# TYPE negotiator_broken_count counter\nnegotiator_broken_count 1\n`;
      expect(promtool(broken).status).not.toBe(0);
    },
  );
});
