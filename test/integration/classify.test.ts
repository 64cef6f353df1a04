/**
 * The classifyReply effect end to end on the durable runtime: the stored reply is read by the
 * real @anthropic-ai/sdk against the sandbox model, and the negotiation moves on its reading.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createModelPort } from '../../src/adapters/anthropic/index.js';
import { loadModelPrices } from '../../src/config-files/model-prices.js';
import { queryAudit } from '../../src/db/audit-queries.js';
import { createMailStore, type MailStore } from '../../src/db/mail-store.js';
import { createModelCallStore, type ModelCallStore } from '../../src/db/model-call-store.js';
import { createClassifyHandler } from '../../src/llm/classify.js';
import { resolveFromRoot } from '../../src/paths.js';
import { systemClock } from '../../src/runtime/clock.js';
import { startAnthropicEmulator } from '../../src/sandbox/anthropic/emulator.js';
import { adversarial } from '../../src/sandbox/anthropic/scripted-model.js';
import { inboundEmail } from '../support/emails.js';
import { negotiationInput } from '../support/negotiation.js';
import { startRuntime, tempDatabasePath } from '../support/runtime.js';

let emulator: Awaited<ReturnType<typeof startAnthropicEmulator>>;
let runtime: ReturnType<typeof startRuntime>;
let store: MailStore;
let calls: ModelCallStore;
let n = 0;

beforeAll(async () => {
  emulator = await startAnthropicEmulator();
  const port = createModelPort({
    apiKey: emulator.apiKey,
    baseURL: emulator.url,
    prices: loadModelPrices(resolveFromRoot('config')),
  });
  const path = tempDatabasePath();
  // The store is created on the runtime's database, after it: the handler reads it lazily.
  runtime = startRuntime({
    path,
    clock: systemClock,
    handlers: {
      classifyReply: createClassifyHandler({
        port,
        model: 'claude-sandbox-haiku',
        reply: (id) => {
          const email = store.email(id);
          return email
            ? {
                from: email.from,
                subject: email.subject,
                text: email.latestReply ?? email.bodyText,
              }
            : null;
        },
        recordAsk: (id, cents) => store.setAsk(id, cents),
        recordCall: (row) => calls.record(row),
      }),
    },
    outbox: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  store = createMailStore(runtime.database.sqlite, 'team@brand.test');
  calls = createModelCallStore(runtime.database.sqlite);
  runtime.start();
});
afterAll(async () => {
  await runtime?.close();
  await emulator?.close();
});
beforeEach(() => emulator.reset());

/** A negotiation whose influencer just replied with `text` (offer on record: $1,000). */
function replied(text: string) {
  n += 1;
  const id = `neg_c${n}`;
  const threadId = `thread-c${n}`;
  runtime.create({
    id,
    threadId,
    influencer: { email: 'ada@creators.test', name: 'Ada', handle: '@ada', platform: 'instagram' },
    input: negotiationInput({ negotiationId: id, initialOfferCents: 100_000 }),
  });
  store.recordEmail(
    inboundEmail({
      gmailMessageId: `g${n}`,
      negotiationId: id,
      threadId,
      from: 'ada@creators.test',
      text,
      at: Date.now(),
    }),
  );
  runtime.dispatch(
    id,
    { type: 'REPLY_RECEIVED', messageId: `g${n}` },
    { dedupeKey: `gmail:g${n}` },
  );
  return { id, messageId: `g${n}` };
}

/** Where the negotiation went on that event (later effects, unhandled here, may move it on). */
const stateAfter = (id: string, type: string) =>
  (
    runtime.database.sqlite
      .prepare('select to_state as s from transitions where negotiation_id = ? and event_type = ?')
      .get(id, type) as { s: string } | undefined
  )?.s;
const event = (id: string, type: string) =>
  runtime.database.sqlite
    .prepare('select event_json as e from transitions where negotiation_id = ? and event_type = ?')
    .get(id, type) as { e: string } | undefined;

describe('classifyReply', () => {
  it('reads a counter, keeps the ask on the email, and the negotiation drafts a counter', async () => {
    const { id, messageId } = replied('Thanks! My rate for the reel is $1,300.');
    await vi.waitFor(() => expect(event(id, 'REPLY_CLASSIFIED')).toBeDefined());
    expect(JSON.parse(event(id, 'REPLY_CLASSIFIED')?.e ?? '{}')).toMatchObject({
      intent: 'counter',
      proposedRateCents: 130_000,
    });
    expect(store.email(messageId)?.askCents).toBe(130_000);
    expect(stateAfter(id, 'REPLY_CLASSIFIED')).toBe('drafting');
    // The model saw the email as delimited data and none of our numbers.
    const request = JSON.stringify(emulator.calls().at(-1)?.body);
    expect(request).toContain('<email from=\\"ada@creators.test\\"');
    expect(request).not.toMatch(/150000|100000|1,500|1,000|floor|ceiling/i);
    // Cost metering: the call's tokens and price, per negotiation, and in the audit trail.
    const totals = calls.totals(id);
    expect(totals).toMatchObject({ calls: 1, unpriced: 0 });
    expect(totals.inputTokens).toBeGreaterThan(0);
    expect(totals.costMicros).toBeGreaterThan(0);
    const audit = queryAudit(runtime.database.sqlite, { influencer: 'ada', limit: 1000 });
    expect(audit.find((r) => r.negotiationId === id && r.kind === 'model')?.what).toBe(
      'reading claude-sandbox-haiku',
    );
  });

  it('hands a reply the model refuses to read to people', async () => {
    emulator.override(adversarial.refusal());
    const { id } = replied('Something the model will not read.');
    await vi.waitFor(() => expect(event(id, 'CLASSIFICATION_FAILED')).toBeDefined());
    expect(stateAfter(id, 'CLASSIFICATION_FAILED')).toBe('escalated');
  });

  it('flags legal language for people', async () => {
    const { id } = replied('Our lawyer will send the contract with an exclusivity clause.');
    await vi.waitFor(() => expect(event(id, 'REPLY_CLASSIFIED')).toBeDefined());
    expect(stateAfter(id, 'REPLY_CLASSIFIED')).toBe('escalated');
  });
});
