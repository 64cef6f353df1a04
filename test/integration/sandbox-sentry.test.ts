/** The real @sentry/node against the sandbox collector. */
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSentryCollector } from '../../src/sandbox/sentry/collector.js';

let collector: Awaited<ReturnType<typeof startSentryCollector>>;

beforeAll(async () => {
  collector = await startSentryCollector();
  Sentry.init({
    dsn: collector.dsn,
    environment: 'test',
    release: 'negotiator@test',
    sendClientReports: true,
  });
});
afterAll(async () => {
  await Sentry.close(2000);
  await collector.close();
});

describe('sandbox Sentry collector', () => {
  it('receives exceptions captured by the real SDK, with their context', async () => {
    Sentry.withScope((scope) => {
      scope.setTag('negotiation', 'neg_42');
      Sentry.captureException(new Error('the mailbox refused the token'));
    });
    await Sentry.flush(2000);
    const events = collector.events();
    expect(events).toHaveLength(1);
    const event = events[0]?.event as {
      exception: { values: Array<{ value: string }> };
      tags: Record<string, string>;
      environment: string;
    };
    expect(event.exception.values[0]?.value).toBe('the mailbox refused the token');
    expect(event.tags.negotiation).toBe('neg_42');
    expect(event.environment).toBe('test');
  });

  it('accepts gzipped envelopes and ignores non-event items', async () => {
    const { gzipSync } = await import('node:zlib');
    const envelope = [
      JSON.stringify({ dsn: collector.dsn }),
      JSON.stringify({ type: 'client_report' }),
      JSON.stringify({ discarded_events: [] }),
      JSON.stringify({ type: 'event' }),
      JSON.stringify({ message: 'zipped' }),
    ].join('\n');
    const response = await fetch(`${collector.url}/api/1/envelope/?sentry_key=sandboxkey`, {
      method: 'POST',
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync(envelope),
    });
    expect(response.status).toBe(200);
    expect(collector.events().at(-1)?.event).toEqual({ message: 'zipped' });
    expect(collector.otherItems().client_report).toBeGreaterThanOrEqual(1);
    const bad = await fetch(`${collector.url}/api/1/envelope/`, {
      method: 'POST',
      body: 'not json',
    });
    expect(bad.status).toBe(400);
  });

  // Last in the file: the SDK then holds events back for the rate-limit window.
  it('answers 429 with Retry-After and X-Sentry-Rate-Limits, which the SDK obeys', async () => {
    collector.faults.set('envelope', { sequence: [429], retryAfterMs: 60_000 });
    const before = collector.requests();
    Sentry.captureException(new Error('lost to the rate limit'));
    await Sentry.flush(2000);
    expect(collector.requests()).toBe(before + 1);
    Sentry.captureException(new Error('held back by the SDK'));
    await Sentry.flush(2000);
    expect(collector.requests()).toBe(before + 1);
    expect(collector.events().map((e) => JSON.stringify(e.event))).not.toContainEqual(
      expect.stringContaining('rate limit'),
    );
  });
});
