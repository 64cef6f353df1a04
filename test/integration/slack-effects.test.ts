/**
 * The Slack effects on the durable runtime (real SQLite, manual clock) through the real WebClient
 * against the sandbox Slack: one agreement message per deal whatever happens to the first post
 * (500, lost answer, crash mid-post, 429), escalations with their decisions, drafts for review,
 * and notices in the negotiation's thread; and service alerts, once per quiet period.
 *
 * One file: every case shares the same world (campaign, influencer, runtime wiring, settling).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NegotiationEvent, OutboxEffect } from '../../machines/negotiation/index.js';
import { createSlackChatPort } from '../../src/adapters/slack/chat-port.js';
import { createCampaignStore } from '../../src/db/campaign-store.js';
import { createMailStore } from '../../src/db/mail-store.js';
import { createNegotiationFacts } from '../../src/db/negotiation-facts.js';
import { createSlackStore } from '../../src/db/slack-store.js';
import type { Campaign } from '../../src/domain/campaign.js';
import { createLogger } from '../../src/observability/logger.js';
import type { EffectHandler } from '../../src/runtime/index.js';
import { type SlackEmulator, startSlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { decodeActionValue, ESCALATION_ACTIONS, REVIEW_ACTIONS } from '../../src/slack/actions.js';
import { createSlackAlerts } from '../../src/slack/alerts.js';
import { createSlackEffects } from '../../src/slack/effects.js';
import { createManualClock } from '../support/manual-clock.js';
import { classified, negotiationInput } from '../support/negotiation.js';
import { recordingHandlers, startRuntime, tempDatabasePath } from '../support/runtime.js';

const MAILBOX = 'team@brand.test';
const CAMPAIGN: Campaign = {
  id: 'spring-launch',
  client: 'Acme Outdoor',
  name: 'Spring launch',
  deliverables: [
    { type: 'instagram_reel', quantity: 1 },
    { type: 'tiktok_video', quantity: 2 },
  ],
  cpmTargetCents: 2000,
  leniencyBps: 5000,
  maxRounds: 5,
  minCostCents: null,
  maxCostCents: null,
  usageRights: '30 days organic reposting',
  productOffer: 'Spring trail kit',
  paymentTerms: 'Net 30 after posting',
  followUp: { delayMs: null, staleDelayMs: null },
  influencerSheet: null,
  appliesTo: { default: true, senders: [] },
};

let slack: SlackEmulator;
beforeAll(async () => {
  slack = await startSlackEmulator();
});
afterAll(async () => {
  await slack.close();
});
afterEach(() => {
  slack.reset();
});

type World = ReturnType<typeof world>;

/** A runtime whose Slack effects are the real ones; the rest of the world answers by script. */
function world(
  options: {
    path?: string;
    channel?: string;
    timeoutMs?: number;
    classify?: (e: Extract<OutboxEffect, { kind: 'classifyReply' }>) => NegotiationEvent;
  } = {},
) {
  // Slack stamps messages with its own (real) time; the agent's clock starts from the same.
  const clock = createManualClock(Date.now());
  const { handlers } = recordingHandlers(options.classify ? { classify: options.classify } : {});
  const rt = startRuntime({
    path: options.path ?? tempDatabasePath(),
    clock,
    handlers,
    outbox: { baseDelayMs: 10, random: () => 0 },
  });
  const { sqlite } = rt.database;
  createCampaignStore(sqlite).save(CAMPAIGN, 'config', clock.now());
  const store = createSlackStore(sqlite);
  const chat = createSlackChatPort({
    token: slack.botToken,
    apiUrl: slack.apiUrl,
    timeoutMs: options.timeoutMs ?? 2_000,
  });
  const effects = createSlackEffects({
    chat,
    store,
    facts: createNegotiationFacts(sqlite),
    channel: options.channel ?? 'C0DEALS',
    mailbox: () => MAILBOX,
    mentions: ['U0ALICE', 'S0DEALS'],
    now: clock.now,
  });
  Object.assign(handlers, effects);
  return { rt, clock, store, handlers, effects, mail: createMailStore(sqlite, MAILBOX) };
}

function negotiate(w: World, id: string, overrides: Parameters<typeof negotiationInput>[0] = {}) {
  w.rt.create({
    id,
    campaignId: CAMPAIGN.id,
    threadId: `thread-${id}`,
    influencer: {
      email: 'ada@creators.test',
      name: 'Ada Lovelace',
      handle: '@ada.makes',
      platform: 'instagram',
      averageViews: 50_000,
    },
    input: negotiationInput({ negotiationId: id, initialOfferCents: 110_000, ...overrides }),
  });
}

/** The influencer writes: the email is on record, then the negotiation hears of it. */
function reply(w: World, id: string, n: number, text: string) {
  const messageId = `g-${id}-${n}`;
  w.mail.recordEmail({
    gmailMessageId: messageId,
    threadId: `thread-${id}`,
    negotiationId: id,
    direction: 'in',
    from: 'Ada Lovelace <ada@creators.test>',
    to: MAILBOX,
    cc: null,
    subject: 'Re: Spring launch',
    bodyText: text,
    latestReply: text,
    rfc822MessageId: `<${messageId}@creators.test>`,
    referencesChain: null,
    state: null,
    offerCents: null,
    askCents: null,
    at: w.clock.now(),
  });
  w.rt.dispatch(id, { type: 'REPLY_RECEIVED', messageId }, { dedupeKey: `gmail:${messageId}` });
}

/** Runs the outbox until nothing is due now. */
async function settle(w: World): Promise<void> {
  for (let i = 0; i < 200; i++) {
    w.clock.advance(0);
    await w.rt.worker.idle();
    const next = w.rt.outbox.nextWakeAt();
    if (w.rt.worker.inFlight() === 0 && (next === null || next > w.clock.now())) return;
  }
  throw new Error('the outbox did not settle');
}

/** Settles, then moves the clock to every retry until nothing is left. */
async function settleWithRetries(w: World): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await settle(w);
    const next = w.rt.outbox.nextWakeAt();
    if (next === null) return;
    w.clock.set(next);
  }
  throw new Error('the outbox kept retrying');
}

const row = (w: World, sql: string, ...params: unknown[]) =>
  w.rt.database.sqlite.prepare(sql).get(...params) as Record<string, unknown> | undefined;
const outboxOf = (w: World, kind: string) =>
  row(w, 'select * from outbox where kind = ? order by id desc limit 1', kind) ?? {};
const payloadOf = (w: World, kind: string) =>
  JSON.parse(String(outboxOf(w, kind).payload_json)) as Record<string, unknown>;
const calls = (method: string) => slack.calls().filter((c) => c.method === method);
const shown = (m: { text: string; blocks?: unknown }) => `${m.text}\n${JSON.stringify(m.blocks)}`;
const buttons = (m: { blocks?: unknown[] }) =>
  (m.blocks ?? []).flatMap((b) =>
    (b as { type: string }).type === 'actions'
      ? ((b as { elements: Array<{ action_id: string; value: string; text: { text: string } }> })
          .elements ?? [])
      : [],
  );

/** The one agreement message, with everything HUMAN-03 asks of it. */
function expectOneAgreement(w: World, id: string) {
  expect(row(w, 'select state from negotiations where id = ?', id)).toEqual({ state: 'agreed' });
  const messages = slack.messages('C0DEALS');
  expect(messages).toHaveLength(1);
  const [message] = messages;
  const { agreedCents, rounds, key } = payloadOf(w, 'postAgreement');
  expect(agreedCents).toBe(110_000);
  expect(message?.metadata).toEqual({
    event_type: 'negotiator_effect',
    event_payload: { key, negotiation_id: id, kind: 'postAgreement' },
  });
  const text = shown(message ?? { text: '' });
  for (const part of [
    'Ada Lovelace',
    '@ada.makes',
    'ada@creators.test',
    'Instagram',
    '50,000 avg views',
    'Acme Outdoor — Spring launch',
    '1 × Instagram reel',
    '$1,100.00',
    // 110,000 cents on 50,000 views; floor and ceiling on the same views.
    '$22.00 on 50,000 avg views',
    '$20.00 → $30.00 (campaign target $20.00 CPM)',
    `${rounds} of 5`,
    `https://mail.google.com/mail/?authuser=${MAILBOX}#all/thread-${id}`,
    'Send the contract and the creative brief',
    'Net 30 after posting',
    '30 days organic reposting',
    'Spring trail kit',
    '<@U0ALICE>',
    '<!subteam^S0DEALS>',
  ])
    expect(text).toContain(part);
  expect(text).not.toContain('TikTok video');
  expect(row(w, 'select key, kind, channel, ts, thread_ts from slack_messages')).toEqual({
    key,
    kind: 'postAgreement',
    channel: 'C0DEALS',
    ts: message?.ts,
    thread_ts: null,
  });
  expect(outboxOf(w, 'postAgreement')).toMatchObject({ status: 'done' });
  expect(JSON.parse(String(outboxOf(w, 'postAgreement').result_json))).toEqual({
    channel: 'C0DEALS',
    ts: message?.ts,
    threadTs: null,
  });
}

describe('the agreement alert, exactly once per deal', () => {
  it('posts every field once', async () => {
    const w = world();
    w.rt.start();
    negotiate(w, 'neg_a');
    reply(w, 'neg_a', 1, 'Sounds good, $1,100 works for me!');
    await settle(w);
    expectOneAgreement(w, 'neg_a');
    expect(calls('chat.postMessage')).toHaveLength(1);
    // A first attempt has nothing to look for.
    expect(calls('conversations.history')).toHaveLength(0);
    await w.rt.close();
  });

  it('posts once when the first post fails with a 500', async () => {
    const w = world();
    w.rt.start();
    slack.faults.set('chat.postMessage', { sequence: [500] });
    negotiate(w, 'neg_b');
    reply(w, 'neg_b', 1, 'Deal.');
    await settle(w);
    expect(outboxOf(w, 'postAgreement')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(String(outboxOf(w, 'postAgreement').last_error)).toMatch(/HTTP 500/);
    await settleWithRetries(w);
    expectOneAgreement(w, 'neg_b');
    expect(calls('conversations.history')).toHaveLength(1);
    await w.rt.close();
  });

  it('adopts the message when Slack took the first post but the answer was lost', async () => {
    const w = world({ timeoutMs: 300 });
    w.rt.start();
    slack.faults.set('chat.postMessage', { sequence: ['lost'] });
    negotiate(w, 'neg_c');
    reply(w, 'neg_c', 1, 'Deal.');
    await settle(w);
    expect(outboxOf(w, 'postAgreement')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(slack.messages('C0DEALS')).toHaveLength(1);
    await settleWithRetries(w);
    expectOneAgreement(w, 'neg_c');
    expect(calls('chat.postMessage')).toHaveLength(1);
    await w.rt.close();
  });

  for (const when of ['after', 'before'] as const)
    it(`reconciles after a crash ${when} the post reached Slack, posting once`, async () => {
      const path = tempDatabasePath();
      const first = world({ path, timeoutMs: 300 });
      // The first process claims the effect and dies mid-post: the post reaches Slack (or not)
      // and nothing after it happens — no record, no outcome.
      const dying: EffectHandler<Extract<OutboxEffect, { kind: 'postAgreement' }>> = {
        async run(effect, ctx) {
          if (when === 'after') {
            slack.faults.set('chat.postMessage', { sequence: ['lost'] });
            await first.effects.postAgreement.run(effect, ctx).catch(() => undefined);
          }
          return new Promise(() => {});
        },
      };
      first.handlers.postAgreement = dying;
      first.rt.start();
      negotiate(first, 'neg_d');
      reply(first, 'neg_d', 1, 'Deal.');
      await vi.waitFor(
        () => {
          first.clock.advance(0);
          expect(outboxOf(first, 'postAgreement')).toMatchObject({ status: 'in_flight' });
          if (when === 'after') expect(slack.messages('C0DEALS')).toHaveLength(1);
        },
        { timeout: 5_000, interval: 5 },
      );
      await first.rt.stop(10);
      first.rt.database.close();

      const second = world({ path });
      const real = second.effects.postAgreement;
      let reconciled: unknown = 'not called';
      second.handlers.postAgreement = {
        run: real.run,
        reconcile: async (effect, ctx) => {
          reconciled = await real.reconcile?.(effect, ctx);
          return reconciled as Awaited<ReturnType<NonNullable<typeof real.reconcile>>>;
        },
      };
      second.rt.start();
      await settle(second);
      expectOneAgreement(second, 'neg_d');
      const ts = slack.messages('C0DEALS')[0]?.ts;
      if (when === 'after')
        expect(reconciled).toEqual({ result: { channel: 'C0DEALS', ts, threadTs: null } });
      else expect(reconciled).toBeNull();
      expect(calls('chat.postMessage')).toHaveLength(1);
      expect(outboxOf(second, 'postAgreement')).toMatchObject({ attempts: 2 });
      await second.rt.close();
    });

  it('waits out a 429 Retry-After on the outbox, then posts once', async () => {
    const w = world();
    w.rt.start();
    slack.faults.set('chat.postMessage', { sequence: [429], retryAfterMs: 30_000 });
    negotiate(w, 'neg_e');
    reply(w, 'neg_e', 1, 'Deal.');
    await settle(w);
    const limited = outboxOf(w, 'postAgreement');
    expect(limited).toMatchObject({ status: 'pending', attempts: 1 });
    expect(Number(limited.next_attempt_at) - w.clock.now()).toBe(30_000);
    expect(String(limited.last_error)).toMatch(/rate limited: retry after 30 s/);
    w.clock.advance(29_999);
    await settle(w);
    expect(slack.messages('C0DEALS')).toEqual([]);
    expect(calls('chat.postMessage')).toHaveLength(0);
    w.clock.advance(1);
    await settle(w);
    expectOneAgreement(w, 'neg_e');
    await w.rt.close();
  });

  it('gives up at once, saying what to fix, when the channel does not exist', async () => {
    const w = world({ channel: 'C0NOPE' });
    w.rt.start();
    negotiate(w, 'neg_f');
    reply(w, 'neg_f', 1, 'Deal.');
    await settle(w);
    const dead = outboxOf(w, 'postAgreement');
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(String(dead.last_error)).toMatch(/channel_not_found.*SLACK_CHANNEL/);
    await w.rt.close();
  });
});

describe('escalations, reviews and notices', () => {
  it('escalates with the failed draft and five decisions; notices follow in its thread', async () => {
    const w = world({ classify: (e) => classified(e.messageId, 'counter', 130_000) });
    w.handlers.composeEmail = {
      async run(effect) {
        return {
          event: {
            type: 'DRAFT_FAILED',
            draftKey: effect.key,
            failures: ['amount: $9,999.00 is not an amount the decision allows'],
          },
          result: {
            draft: { subject: 'Re: Spring launch', body: 'Hi Ada, we can do $9,999 <!channel>' },
          },
        };
      },
    };
    w.rt.start();
    negotiate(w, 'neg_x');
    reply(w, 'neg_x', 1, 'My rate for the reel is $1,300.');
    await settle(w);
    const [escalation] = slack.messages('C0DEALS');
    const effect = payloadOf(w, 'postEscalation');
    expect(effect).toMatchObject({ reason: 'validation_failed', askCents: 130_000 });
    const text = shown(escalation ?? { text: '' });
    for (const part of [
      'The draft failed the checks',
      'is not an amount the decision allows',
      '$1,300.00 ($26.00 CPM)',
      '$1,000.00 ($20.00 CPM)',
      '$1,500.00 ($30.00 CPM)',
      'within our bounds',
      'My rate for the reel is $1,300.',
      'we can do $9,999 &lt;!channel&gt;',
      '@ada.makes',
      '50,000 avg views',
    ])
      expect(text).toContain(part);
    const decisions = buttons(escalation ?? { blocks: [] });
    expect(decisions.map((b) => b.action_id)).toEqual(Object.values(ESCALATION_ACTIONS));
    expect(decisions.map((b) => decodeActionValue(b.value))).toEqual([
      { n: 'neg_x', c: effect.suggestedCents },
      // "Another amount…" opens the amount dialog at their ask.
      { n: 'neg_x', c: effect.askCents },
      ...Array(4).fill({ n: 'neg_x' }),
    ]);

    reply(w, 'neg_x', 2, 'Hello? Any news on the $1,300?');
    w.rt.dispatch('neg_x', { type: 'HUMAN_TOOK_OVER', by: 'U0ALICE' });
    w.rt.dispatch('neg_x', { type: 'RESUMED', by: 'U0BOB' });
    await settle(w);
    const notices = calls('chat.postMessage').filter((c) =>
      c.params.metadata?.includes('"postNotice"'),
    );
    expect(notices.map((c) => c.params.thread_ts)).toEqual(Array(3).fill(escalation?.ts));
    const [again, taken, resumed] = notices.map((c) => ({
      text: c.params.text ?? '',
      blocks: JSON.parse(c.params.blocks ?? '[]') as unknown[],
    }));
    expect(shown(again ?? { text: '' })).toContain('Any news on the $1,300?');
    expect(taken?.text).toMatch(/Taken over by <@U0ALICE>.*sends nothing/);
    expect(buttons(taken ?? {}).map((b) => b.action_id)).toEqual(['thread_resume']);
    expect(resumed?.text).toMatch(/Resumed by <@U0BOB>/);
    expect(buttons(resumed ?? {}).map((b) => b.action_id)).toEqual(['thread_take_over']);
    const threaded = w.rt.database.sqlite
      .prepare("select thread_ts as t from slack_messages where kind = 'postNotice'")
      .all();
    expect(threaded).toEqual(Array(3).fill({ t: escalation?.ts }));
    await w.rt.close();
  });

  it('posts a notice on its own when the negotiation has no message yet', async () => {
    const w = world();
    w.rt.start();
    negotiate(w, 'neg_y');
    w.rt.dispatch('neg_y', { type: 'HUMAN_TOOK_OVER', by: 'U0ALICE' });
    await settle(w);
    const [post] = calls('chat.postMessage');
    expect(post?.params.thread_ts).toBeUndefined();
    expect(post?.params.text).toContain('Ada Lovelace · ada@creators.test');
    await w.rt.close();
  });

  it('asks for review with the draft and its key on approve, edit and reject', async () => {
    const w = world({ classify: (e) => classified(e.messageId, 'counter', 130_000) });
    w.rt.start();
    negotiate(w, 'neg_r', {
      settings: {
        reviewMode: true,
        followUpDelayMs: 172_800_000,
        staleDelayMs: 259_200_000,
        approvalReminderMs: 14_400_000,
        holdingReplyMs: null,
      },
    });
    reply(w, 'neg_r', 1, 'I would do it for $1,300.');
    await settle(w);
    const [review] = slack.messages('C0DEALS');
    const { draftKey, key } = payloadOf(w, 'requestApproval');
    expect(shown(review ?? { text: '' })).toContain('draft counter');
    const choices = buttons(review ?? {});
    expect(choices.map((b) => b.action_id)).toEqual(Object.values(REVIEW_ACTIONS));
    for (const b of choices)
      expect(decodeActionValue(b.value)).toEqual({ n: 'neg_r', d: draftKey });
    expect(review?.metadata?.event_payload).toMatchObject({ key, kind: 'requestApproval' });
    await w.rt.close();
  });
});

describe('service alerts', () => {
  it('posts an alert once per quiet period, and a failed post is logged, never thrown', async () => {
    const clock = createManualClock(Date.now());
    const lines: string[] = [];
    const alerts = createSlackAlerts({
      chat: createSlackChatPort({ token: slack.botToken, apiUrl: slack.apiUrl, timeoutMs: 2_000 }),
      channel: 'C0DEALS',
      logger: createLogger({
        level: 'debug',
        destination: { write: (l: string) => lines.push(l) },
      }),
      now: clock.now,
    });
    const watch = 'Gmail watch renewal failed for <team@brand.test>: 403 & retrying';
    expect(await alerts.alert(watch, { key: 'gmail:watch', kind: 'gmail' })).toBe(true);
    expect(await alerts.alert(`${watch} (again)`, { key: 'gmail:watch', kind: 'gmail' })).toBe(
      false,
    );
    expect(await alerts.alert('The model is out of reach', { kind: 'model' })).toBe(true);
    expect(await alerts.alert('The model is out of reach', { kind: 'model' })).toBe(false);
    const [first, second] = slack.messages('C0DEALS');
    expect(slack.messages('C0DEALS')).toHaveLength(2);
    expect(shown(first ?? { text: '' })).toContain('&lt;team@brand.test&gt;: 403 &amp; retrying');
    expect(first?.metadata).toEqual({
      event_type: 'negotiator_alert',
      event_payload: { key: 'gmail:watch', kind: 'gmail' },
    });
    expect(second?.text).toContain('The model is out of reach');

    clock.advance(30 * 60_000 - 1);
    expect(await alerts.alert(watch, { key: 'gmail:watch' })).toBe(false);
    clock.advance(1);
    slack.faults.set('chat.postMessage', { sequence: [500] });
    await expect(alerts.alert(watch, { key: 'gmail:watch' })).resolves.toBe(false);
    expect(lines.join('')).toMatch(/could not post a service alert to Slack/);
    expect(lines.join('')).not.toContain(slack.botToken);
    // Not posted, so not quiet: the next occurrence goes out.
    expect(await alerts.alert(watch, { key: 'gmail:watch' })).toBe(true);
    expect(slack.messages('C0DEALS')).toHaveLength(3);
  });
});
