/** Negotiations are visible in the Stately inspector through the loopback relay, masked. */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openMigratedDatabase } from '../../src/db/open.js';
import { mask, startInspection } from '../../src/observability/inspector.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createRuntime } from '../../src/runtime/index.js';
import { createManualClock } from '../support/manual-clock.js';
import { negotiationInput } from '../support/negotiation.js';
import { tempDatabasePath } from '../support/runtime.js';

function collect(
  url: string,
): Promise<{ socket: WebSocket; messages: Array<Record<string, unknown>> }> {
  const socket = new WebSocket(url);
  const messages: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages }));
    socket.once('error', reject);
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Stately inspector', () => {
  it('shows snapshots of live and restored actors, masked, over a loopback relay', async () => {
    const inspection = await startInspection({ port: 0, mask: true });
    expect(inspection.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(inspection.url).then((r) => r.text());
    expect(page).toContain('stately.ai/inspect');
    const viewer = await collect(inspection.url.replace('http', 'ws'));

    const path = tempDatabasePath();
    const clock = createManualClock();
    const open = () => {
      const db = openMigratedDatabase({ path });
      return {
        db,
        rt: createRuntime({
          sqlite: db.sqlite,
          clock,
          logger: silentLogger,
          handlers: {},
          inspect: inspection.inspect,
        }),
      };
    };
    const first = open();
    first.rt.start();
    first.rt.create({
      id: 'neg_1',
      influencer: { email: 'ada@creators.test', platform: 'instagram' },
      input: negotiationInput({ negotiationId: 'neg_1', initialOfferCents: 123_400 }),
    });
    first.rt.dispatch('neg_1', { type: 'REPLY_RECEIVED', messageId: 'm1' });
    await until(
      () =>
        viewer.messages.some(
          (m) => m.type === '@xstate.snapshot' && JSON.stringify(m).includes('counterReceived'),
        ),
      'a snapshot',
    );
    await first.rt.stop();
    first.db.close();

    const second = open();
    second.rt.start(); // the restored actor is inspected too
    second.rt.dispatch('neg_1', { type: 'PAUSED', by: 'U1' });
    await until(
      () => viewer.messages.some((m) => JSON.stringify(m).includes('"paused"')),
      'the restored actor',
    );
    await second.rt.stop();
    second.db.close();

    const all = JSON.stringify(viewer.messages);
    expect(all).not.toContain('123400');
    expect(viewer.messages.filter((m) => m.type === '@xstate.snapshot').length).toBeGreaterThan(1);
    viewer.socket.close();
    await inspection.stop();
  });

  it('masks emails and amounts anywhere in an event', () => {
    expect(
      mask({ a: 'write to ada@creators.test', offerCents: 5, nested: [{ askCents: 7, n: 3 }] }),
    ).toEqual({
      a: 'write to [email]',
      offerCents: null,
      nested: [{ askCents: null, n: 3 }],
    });
  });

  it('a failing inspector never affects a negotiation', async () => {
    const db = openMigratedDatabase({ path: ':memory:' });
    const rt = createRuntime({
      sqlite: db.sqlite,
      clock: createManualClock(),
      logger: silentLogger,
      handlers: {},
      inspect: () => {
        throw new Error('inspector down');
      },
    });
    rt.start();
    rt.create({
      id: 'neg_1',
      influencer: { email: 'a@b.test', platform: 'tiktok' },
      input: negotiationInput({ negotiationId: 'neg_1' }),
    });
    expect(rt.dispatch('neg_1', { type: 'OFFER_REQUESTED' })).toMatchObject({
      status: 'applied',
      to: 'drafting',
    });
    expect(rt.dispatch('neg_1', { type: 'PAUSED', by: 'U1' })).toMatchObject({
      status: 'applied',
      to: 'paused',
    });
    await rt.stop();
    db.close();
  });
});
