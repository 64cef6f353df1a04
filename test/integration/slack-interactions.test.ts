/**
 * People's clicks and modal submissions, end to end: the real Bolt app (createSlackApp) over
 * Socket Mode against the sandbox Slack, on a real SQLite runtime. Escalations and drafts in
 * review are posted with the real message builders; simulated users click what is on screen.
 * Every decision is checked in the transitions table and the outbox, and in what Slack shows.
 *
 * Longer than most files: each decision path (escalation, review, refusal, malformed input,
 * a failed commit) needs its own negotiation driven to the right state.
 */
import { Hono } from 'hono';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import { loadNegotiationFacts } from '../../src/db/negotiation-facts.js';
import { createFaults } from '../../src/sandbox/faults.js';
import { startEmulator } from '../../src/sandbox/server.js';
import {
  createInteractions,
  type InteractionHandle,
} from '../../src/sandbox/slack/interactions.js';
import { createSocketModeServer, type EnvelopeType } from '../../src/sandbox/slack/socket-mode.js';
import { mountSlackWebApi } from '../../src/sandbox/slack/web-api.js';
import { APP_ID, createWorkspace } from '../../src/sandbox/slack/workspace.js';
import { ESCALATION_ACTIONS, MODALS, REVIEW_ACTIONS } from '../../src/slack/actions.js';
import type { SlackApp } from '../../src/slack/app.js';
import { approvalMessage } from '../../src/slack/blocks/approval.js';
import { escalationMessage } from '../../src/slack/blocks/escalation.js';
import { classified, negotiationInput } from '../support/negotiation.js';
import { createTestNegotiation, recordingHandlers } from '../support/runtime.js';
import {
  CHANNEL,
  eventually,
  MAILBOX,
  type ManualClock,
  type Runtime,
  runtimeHelpers,
  startSlackStack,
} from '../support/slack.js';

const BOT_TOKEN = 'xoxb-interactions-test';
const APP_TOKEN = 'xapp-1-interactions-test';
const USERS = [
  { id: 'U0ALICE', name: 'alice' },
  { id: 'U0BOB', name: 'bob' },
  { id: 'U0MALLORY', name: 'mallory' },
];

/**
 * The sandbox Slack from its parts, so a test can also do what Slack does after a lost ack:
 * send the same payload again in a new envelope.
 */
async function startSlack() {
  const workspace = createWorkspace({ users: USERS });
  const hono = new Hono();
  let openUrl = (): string => {
    throw new Error('Socket Mode is not listening yet');
  };
  const { calls } = mountSlackWebApi(hono, {
    workspace,
    faults: createFaults(),
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    openConnection: () => openUrl(),
  });
  const running = await startEmulator(hono);
  if (!running.server) throw new Error('the emulator exposes no HTTP server');
  const socket = createSocketModeServer({
    server: running.server,
    origin: running.url,
    appId: APP_ID,
    ackTimeoutMs: 2_000,
    maxRetries: 0,
    disconnectGraceMs: 100,
  });
  openUrl = socket.openUrl;
  const sent = new Map<object, { type: EnvelopeType; accepts: boolean }>();
  const users = createInteractions({
    workspace,
    origin: running.url,
    socket: {
      ...socket,
      deliver(type, payload, accepts) {
        sent.set(payload, { type, accepts });
        return socket.deliver(type, payload, accepts);
      },
    },
  });
  return {
    ...users,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    apiUrl: `${running.url}/api/`,
    message: (ts: string) => workspace.channel(CHANNEL).messages.find((m) => m.ts === ts),
    ephemerals: () => structuredClone(workspace.ephemerals),
    openViews: () => [...workspace.views.values()].filter((v) => v.open),
    calls: (method: string) => calls.filter((c) => c.method === method),
    /** The same payload in a new envelope, as Slack redelivers it. */
    redeliver(handle: InteractionHandle) {
      const first = sent.get(handle.payload);
      if (!first) throw new Error('that payload was never delivered');
      return socket.deliver(first.type, handle.payload, first.accepts);
    },
    async close() {
      socket.close();
      await running.close();
    },
  };
}

type Slack = Awaited<ReturnType<typeof startSlack>>;

describe('Slack decisions over Socket Mode', { timeout: 15_000 }, () => {
  let slack: Slack;
  let rt: Runtime;
  let app: SlackApp;
  let clock: ManualClock;
  let stop: () => Promise<void>;
  let logs: Array<Record<string, unknown>>;

  beforeEach(async () => {
    // Every reply asks $2,500: over the $1,500 ceiling by more than the margin, so it escalates.
    const { handlers } = recordingHandlers({
      classify: (effect) => classified(effect.messageId, 'counter', 250_000),
    });
    const lines: Array<Record<string, unknown>> = [];
    logs = lines;
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => void lines.push(JSON.parse(line)) },
    );
    ({ slack, rt, app, clock, stop } = await startSlackStack({
      handlers,
      startSlack,
      logger,
      allowedUsers: ['U0ALICE', 'U0BOB'],
    }));
  });

  afterEach(() => stop?.());

  const { sqlite, seqOf, transitionsAfter, transitionCount, drain } = runtimeHelpers(() => ({
    rt,
    clock,
  }));
  const moves = (id: string, seq: number) =>
    transitionsAfter(id, seq).map(({ eventType, toState }) => ({ eventType, toState }));
  function lastEffect<K extends OutboxEffect['kind']>(id: string, kind: K) {
    const row = sqlite()
      .prepare(`select payload_json as json from outbox where negotiation_id = ? and kind = ?
        order by id desc limit 1`)
      .get(id, kind) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as Extract<OutboxEffect, { kind: K }>) : null;
  }

  /** A negotiation escalated over the ceiling, with its escalation posted in the channel. */
  async function escalated(id: string) {
    createTestNegotiation(rt, id);
    rt.dispatch(id, { type: 'OFFER_REQUESTED' });
    await drain();
    const seq = seqOf(id);
    rt.dispatch(
      id,
      { type: 'REPLY_RECEIVED', messageId: `m-${id}` },
      { dedupeKey: `gmail:m-${id}` },
    );
    await drain();
    expect(moves(id, seq)).toEqual([
      { eventType: 'REPLY_RECEIVED', toState: 'counterReceived' },
      { eventType: 'REPLY_CLASSIFIED', toState: 'escalated' },
    ]);
    const effect = lastEffect(id, 'postEscalation');
    const facts = loadNegotiationFacts(sqlite(), id);
    if (!effect || !facts) throw new Error(`${id} has no escalation`);
    const shown = escalationMessage({ facts, effect, mailbox: MAILBOX, mentions: [] });
    const posted = await app.client.chat.postMessage({ channel: CHANNEL, ...shown });
    return { ts: posted.ts ?? '', effect, seq: seqOf(id) };
  }

  /** A negotiation in review mode whose opening draft waits for approval, posted in the channel. */
  async function inReview(id: string) {
    createTestNegotiation(rt, id, {
      settings: { ...negotiationInput().settings, reviewMode: true },
    });
    rt.dispatch(id, { type: 'OFFER_REQUESTED' });
    await drain();
    expect(moves(id, 0)).toEqual([
      { eventType: 'OFFER_REQUESTED', toState: 'drafting' },
      { eventType: 'DRAFT_READY', toState: 'awaitingApproval' },
    ]);
    const effect = lastEffect(id, 'requestApproval');
    const facts = loadNegotiationFacts(sqlite(), id);
    if (!effect || !facts) throw new Error(`${id} has no draft in review`);
    const shown = approvalMessage({ facts, effect, mailbox: MAILBOX, mentions: [] });
    const posted = await app.client.chat.postMessage({ channel: CHANNEL, ...shown });
    return { ts: posted.ts ?? '', effect, seq: seqOf(id) };
  }

  const click = (user: string, ts: string, actionId: string) =>
    slack.clickButton({ user, channel: CHANNEL, ts, actionId });
  const ephemeralsFor = (user: string) =>
    slack
      .ephemerals()
      .filter((e) => e.user === user)
      .map((e) => e.text);
  const hasButtons = (ts: string) =>
    (slack.message(ts)?.blocks ?? []).some((b) => b.type === 'actions');
  const shownText = (ts: string) => JSON.stringify(slack.message(ts)?.blocks ?? []);

  /** The modal a click opened for `user`. */
  async function modalFor(user: string, callbackId: string) {
    await eventually(() =>
      expect(slack.openViews().filter((v) => v.user === user)).toHaveLength(1),
    );
    const [opened] = slack.openViews().filter((v) => v.user === user);
    expect(opened?.view.callback_id).toBe(callbackId);
    return opened?.view.id ?? '';
  }

  describe('one decision per message', () => {
    it('a redelivered envelope and a double click decide once; one update shows who decided', async () => {
      const { ts, seq } = await escalated('neg_twice');
      const first = click('U0ALICE', ts, ESCALATION_ACTIONS.takeOver);
      const redelivered = slack.redeliver(first);
      const doubleClick = click('U0ALICE', ts, ESCALATION_ACTIONS.takeOver);
      await Promise.all([first.acked, redelivered.acked, doubleClick.acked]);
      await eventually(() => {
        expect(slack.calls('chat.update')).toHaveLength(1);
        expect(ephemeralsFor('U0ALICE')).toHaveLength(2);
      });

      expect(moves('neg_twice', seq)).toEqual([
        { eventType: 'HUMAN_TOOK_OVER', toState: 'humanControl' },
      ]);
      // The bot was identified once, at start; no envelope made Bolt ask again.
      expect(slack.calls('auth.test')).toHaveLength(1);
      expect(JSON.parse(transitionsAfter('neg_twice', seq)[0]?.eventJson ?? '')).toEqual({
        type: 'HUMAN_TOOK_OVER',
        by: '<@U0ALICE>',
      });
      expect(hasButtons(ts)).toBe(false);
      expect(shownText(ts)).toContain('Taken over');
      expect(shownText(ts)).toContain('<@U0ALICE>');
      expect(ephemeralsFor('U0ALICE')).toEqual([
        'Already decided by <@U0ALICE>; nothing more was changed.',
        'Already decided by <@U0ALICE>; nothing more was changed.',
      ]);
    });

    it('two people clicking the same escalation: one decision, the other is told who decided', async () => {
      const { ts, effect, seq } = await escalated('neg_race');
      expect(effect.suggestedCents).not.toBeNull();
      const alice = click('U0ALICE', ts, ESCALATION_ACTIONS.approveCounter);
      const bob = click('U0BOB', ts, ESCALATION_ACTIONS.approveCounter);
      await Promise.all([alice.acked, bob.acked]);
      await eventually(() => {
        expect(slack.calls('chat.update')).toHaveLength(1);
        expect(slack.ephemerals()).toHaveLength(1);
      });

      const rows = transitionsAfter('neg_race', seq);
      expect(rows.map(({ eventType, toState }) => ({ eventType, toState }))).toEqual([
        { eventType: 'COUNTER_APPROVED', toState: 'drafting' },
      ]);
      const event = JSON.parse(rows[0]?.eventJson ?? '{}') as { by: string };
      const loser = event.by === '<@U0ALICE>' ? 'U0BOB' : 'U0ALICE';
      expect(slack.ephemerals()).toMatchObject([
        { user: loser, text: `Already decided by ${event.by}; nothing more was changed.` },
      ]);
      expect(shownText(ts)).toContain(event.by);
    });
  });

  describe('escalation buttons', () => {
    it('approve counter at the suggested amount → COUNTER_APPROVED for exactly that amount', async () => {
      const { ts, effect, seq } = await escalated('neg_counter');
      await click('U0BOB', ts, ESCALATION_ACTIONS.approveCounter).acked;
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      const rows = transitionsAfter('neg_counter', seq);
      expect(rows.map(({ eventType, toState }) => ({ eventType, toState }))).toEqual([
        { eventType: 'COUNTER_APPROVED', toState: 'drafting' },
      ]);
      expect(JSON.parse(rows[0]?.eventJson ?? '')).toEqual({
        type: 'COUNTER_APPROVED',
        by: '<@U0BOB>',
        amountCents: effect.suggestedCents,
      });
      expect(lastEffect('neg_counter', 'composeEmail')).toMatchObject({
        purpose: 'counter',
        offerCents: effect.suggestedCents,
      });
      expect(hasButtons(ts)).toBe(false);
      expect(shownText(ts)).toMatch(/Counter approved at \$1,500\.00 — <@U0BOB>/);
    });

    it('approve a counter without a suggestion asks for the amount, refusing one that is not dollars', async () => {
      const { effect, seq } = await escalated('neg_amount');
      const facts = loadNegotiationFacts(sqlite(), 'neg_amount');
      if (!facts) throw new Error('neg_amount cannot be read');
      const shown = escalationMessage({
        facts,
        effect: { ...effect, suggestedCents: null },
        mailbox: MAILBOX,
        mentions: [],
      });
      const posted = await app.client.chat.postMessage({ channel: CHANNEL, ...shown });
      const ts = posted.ts ?? '';
      await click('U0ALICE', ts, ESCALATION_ACTIONS.approveCounter).acked;
      const viewId = await modalFor('U0ALICE', MODALS.counterAmount);
      const wrong = await slack.submitModal({
        user: 'U0ALICE',
        viewId,
        values: { amount: { value: '1,350.505' } },
      }).acked;
      expect(wrong.payload).toMatchObject({
        response_action: 'errors',
        errors: { amount: expect.stringContaining('Enter an amount in dollars') },
      });
      expect(moves('neg_amount', seq)).toEqual([]);

      await slack.submitModal({ user: 'U0ALICE', viewId, values: { amount: { value: '1350.50' } } })
        .acked;
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      const rows = transitionsAfter('neg_amount', seq);
      expect(rows.map((r) => ({ eventType: r.eventType, toState: r.toState }))).toEqual([
        { eventType: 'COUNTER_APPROVED', toState: 'drafting' },
      ]);
      expect(JSON.parse(rows[0]?.eventJson ?? '')).toEqual({
        type: 'COUNTER_APPROVED',
        by: '<@U0ALICE>',
        amountCents: 135_050,
      });
      expect(shownText(ts)).toContain('Counter approved at $1,350.50');
    });

    it('another amount opens the modal at their ask, and approves what is submitted', async () => {
      const { effect, ts, seq } = await escalated('neg_other');
      if (effect.suggestedCents === null || effect.askCents === null)
        throw new Error('the escalation should suggest a counter and carry their ask');
      await click('U0ALICE', ts, ESCALATION_ACTIONS.approveAmount).acked;
      const viewId = await modalFor('U0ALICE', MODALS.counterAmount);
      const [opened] = slack.openViews().filter((v) => v.view.id === viewId);
      expect(JSON.stringify(opened?.view.blocks)).toContain(
        `"initial_value":"${(effect.askCents / 100).toFixed(2)}"`,
      );
      // Opening the modal decides nothing.
      expect(moves('neg_other', seq)).toEqual([]);
      await slack.submitModal({
        user: 'U0ALICE',
        viewId,
        values: { amount: { value: (effect.askCents / 100).toFixed(2) } },
      }).acked;
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      const rows = transitionsAfter('neg_other', seq);
      expect(rows.map((r) => r.eventType)).toEqual(['COUNTER_APPROVED']);
      expect(JSON.parse(rows[0]?.eventJson ?? '')).toMatchObject({ amountCents: effect.askCents });
    });

    it.each([
      [ESCALATION_ACTIONS.takeOver, 'HUMAN_TOOK_OVER', 'humanControl'],
      [ESCALATION_ACTIONS.decline, 'DECLINE_REQUESTED', 'drafting'],
      [ESCALATION_ACTIONS.continue, 'AGENT_CONTINUE_REQUESTED', 'drafting'],
    ])('%s → %s', async (actionId, eventType, toState) => {
      const { ts, seq } = await escalated(`neg_${actionId}`);
      await click('U0ALICE', ts, actionId).acked;
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      const rows = transitionsAfter(`neg_${actionId}`, seq);
      expect(rows.map((r) => ({ eventType: r.eventType, toState: r.toState }))).toEqual([
        { eventType, toState },
      ]);
      expect(JSON.parse(rows[0]?.eventJson ?? '')).toEqual({ type: eventType, by: '<@U0ALICE>' });
      expect(hasButtons(ts)).toBe(false);
      expect(slack.ephemerals()).toEqual([]);
    });

    it('edit and send: the email a person wrote goes out exactly as written, once it passes the gate', async () => {
      const { ts, seq } = await escalated('neg_human');
      await click('U0ALICE', ts, ESCALATION_ACTIONS.editAndSend).acked;
      const viewId = await modalFor('U0ALICE', MODALS.escalationEmail);
      const subject = 'Re: our collaboration';
      const body =
        'Hi Ada,\n\nThank you for the numbers. We can go to $1,500 for the package, and that is where we have to stay.\n\nBest,\nSam';
      const submitted = slack.submitModal({
        user: 'U0ALICE',
        viewId,
        values: { subject: { value: subject }, body: { value: body }, amount: { value: '1500' } },
      });
      expect((await submitted.acked).payload ?? {}).toEqual({});
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      expect(moves('neg_human', seq)).toEqual([
        { eventType: 'HUMAN_REPLY_SUBMITTED', toState: 'sending' },
      ]);
      expect(lastEffect('neg_human', 'sendEmail')).toMatchObject({
        purpose: 'human',
        subject,
        body,
        offerCents: 150_000,
      });
      expect(hasButtons(ts)).toBe(false);
    });
  });

  describe('review mode', () => {
    it('approve → DRAFT_APPROVED, and the send declared carries exactly the reviewed draft', async () => {
      const { ts, effect, seq } = await inReview('neg_approve');
      await click('U0BOB', ts, REVIEW_ACTIONS.approve).acked;
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      const rows = transitionsAfter('neg_approve', seq);
      expect(rows.map((r) => ({ eventType: r.eventType, toState: r.toState }))).toEqual([
        { eventType: 'DRAFT_APPROVED', toState: 'sending' },
      ]);
      expect(JSON.parse(rows[0]?.eventJson ?? '')).toEqual({
        type: 'DRAFT_APPROVED',
        draftKey: effect.draftKey,
        by: '<@U0BOB>',
      });
      expect(lastEffect('neg_approve', 'sendEmail')).toMatchObject({
        draftKey: effect.draftKey,
        subject: effect.subject,
        body: effect.body,
      });
      expect(effect.body).toBe('draft opening');
      expect(hasButtons(ts)).toBe(false);
    });

    it('edit: text the gate refuses comes back as modal errors and changes nothing; passing text is sent exactly', async () => {
      const { ts, effect, seq } = await inReview('neg_edit');
      await click('U0ALICE', ts, REVIEW_ACTIONS.edit).acked;
      const viewId = await modalFor('U0ALICE', MODALS.reviewEdit);
      const subject = 'Our offer for the collaboration';
      const submit = (text: string) =>
        slack.submitModal({
          user: 'U0ALICE',
          viewId,
          values: { subject: { value: subject }, body: { value: text } },
        }).acked;

      const otherAmount = await submit(
        'Hi Ada,\n\nWe would love to work with you and can offer $1,200 for the collaboration.\n\nBest,\nSam',
      );
      expect(otherAmount.payload).toMatchObject({
        response_action: 'errors',
        errors: { body: expect.stringContaining('amount_not_allowed') },
      });
      const exclusive = await submit(
        'Hi Ada,\n\nWe would love to work with you for $1,000, with exclusivity for the brand in your category.\n\nBest,\nSam',
      );
      expect(exclusive.payload).toMatchObject({
        response_action: 'errors',
        errors: { body: expect.stringContaining('commitment') },
      });
      expect(slack.openViews().map((v) => v.view.id)).toEqual([viewId]);
      expect(moves('neg_edit', seq)).toEqual([]);
      expect(lastEffect('neg_edit', 'sendEmail')).toBeNull();
      expect(slack.calls('chat.update')).toEqual([]);

      const body =
        'Hi Ada,\n\nThank you for getting back to us. We would love to work with you and can offer $1,000 for the collaboration.\n\nBest,\nSam';
      expect((await submit(body)).payload ?? {}).toEqual({});
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      const rows = transitionsAfter('neg_edit', seq);
      expect(rows.map((r) => ({ eventType: r.eventType, toState: r.toState }))).toEqual([
        { eventType: 'DRAFT_EDITED', toState: 'sending' },
      ]);
      expect(JSON.parse(rows[0]?.eventJson ?? '')).toEqual({
        type: 'DRAFT_EDITED',
        draftKey: effect.draftKey,
        by: '<@U0ALICE>',
        subject,
        body,
      });
      expect(lastEffect('neg_edit', 'sendEmail')).toMatchObject({ subject, body });
      expect(slack.openViews()).toEqual([]);
      expect(shownText(ts)).toContain('Draft edited and approved');
    });

    it('reject asks why, then DRAFT_REJECTED sends the negotiation to people', async () => {
      const { ts, effect, seq } = await inReview('neg_reject');
      await click('U0BOB', ts, REVIEW_ACTIONS.reject).acked;
      const viewId = await modalFor('U0BOB', MODALS.reviewReject);
      await slack.submitModal({
        user: 'U0BOB',
        viewId,
        values: { reason: { value: 'Too pushy <for> this creator' } },
      }).acked;
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      const rows = transitionsAfter('neg_reject', seq);
      expect(rows.map((r) => ({ eventType: r.eventType, toState: r.toState }))).toEqual([
        { eventType: 'DRAFT_REJECTED', toState: 'escalated' },
      ]);
      expect(JSON.parse(rows[0]?.eventJson ?? '')).toEqual({
        type: 'DRAFT_REJECTED',
        draftKey: effect.draftKey,
        by: '<@U0BOB>',
        reason: 'Too pushy <for> this creator',
      });
      expect(shownText(ts)).toContain('Too pushy &lt;for&gt; this creator');
    });
  });

  describe('refusals and bad input', () => {
    it('someone not allowed to decide is refused privately; nothing is dispatched', async () => {
      const { ts, seq } = await escalated('neg_refused');
      await click('U0MALLORY', ts, ESCALATION_ACTIONS.approveCounter).acked;
      await eventually(() => expect(ephemeralsFor('U0MALLORY')).toHaveLength(1));
      expect(ephemeralsFor('U0MALLORY')[0]).toMatch(/not on the list/);
      expect(moves('neg_refused', seq)).toEqual([]);
      expect(slack.calls('chat.update')).toEqual([]);
      expect(hasButtons(ts)).toBe(true);
    });

    it('a button value that does not parse changes nothing and is logged', async () => {
      const posted = await app.client.chat.postMessage({
        channel: CHANNEL,
        text: 'Forged',
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: ESCALATION_ACTIONS.approveCounter,
                text: { type: 'plain_text', text: 'Approve' },
                value: '{"n":"neg_x","c":"lots"}',
              },
            ],
          },
        ],
      });
      const before = transitionCount();
      await click('U0ALICE', posted.ts ?? '', ESCALATION_ACTIONS.approveCounter).acked;
      await eventually(() =>
        expect(logs.filter((l) => l.msg === 'a click that is not ours: ignored')).toHaveLength(1),
      );
      expect(transitionCount()).toBe(before);
      expect(slack.calls('chat.update')).toEqual([]);
      expect(slack.ephemerals()).toEqual([]);
    });

    it('a modal whose private_metadata is not ours changes nothing and is logged', async () => {
      // Another part of the workspace opens a modal under our callback id with its own metadata.
      app.app.action('foreign_modal', async ({ ack, body, client }) => {
        await ack();
        await client.views.open({
          trigger_id: (body as { trigger_id: string }).trigger_id,
          view: {
            type: 'modal',
            callback_id: MODALS.reviewEdit,
            private_metadata: '{"v":"{\\"n\\":\\"neg_x\\"}","ch":"C0DEALS"}',
            title: { type: 'plain_text', text: 'Not ours' },
            submit: { type: 'plain_text', text: 'Send' },
            blocks: [
              {
                type: 'input',
                block_id: 'subject',
                label: { type: 'plain_text', text: 'Subject' },
                element: { type: 'plain_text_input', action_id: 'value' },
              },
            ],
          },
        });
      });
      const posted = await app.client.chat.postMessage({
        channel: CHANNEL,
        text: 'Elsewhere',
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'foreign_modal',
                text: { type: 'plain_text', text: 'Open' },
              },
            ],
          },
        ],
      });
      await click('U0ALICE', posted.ts ?? '', 'foreign_modal').acked;
      const viewId = await modalFor('U0ALICE', MODALS.reviewEdit);
      const before = transitionCount();
      const submitted = await slack.submitModal({
        user: 'U0ALICE',
        viewId,
        values: { subject: { value: 'hello' } },
      }).acked;
      expect(submitted.payload ?? {}).toEqual({});
      await eventually(() =>
        expect(
          logs.filter((l) => l.msg === 'a modal submission that is not ours: ignored'),
        ).toMatchObject([{ callbackId: MODALS.reviewEdit, user: 'U0ALICE' }]),
      );
      expect(transitionCount()).toBe(before);
      expect(slack.calls('chat.update')).toEqual([]);
    });

    it('a commit that fails tells the person to try again and leaves the message undecided', async () => {
      const { ts, seq } = await escalated('neg_disk');
      sqlite().exec(`create trigger refuse_transitions before insert on transitions
        begin select raise(abort, 'disk I/O error'); end`);
      await click('U0ALICE', ts, ESCALATION_ACTIONS.decline).acked;
      await eventually(() => expect(ephemeralsFor('U0ALICE')).toHaveLength(1));
      expect(ephemeralsFor('U0ALICE')[0]).toMatch(/could not be saved.*try again/i);
      expect(moves('neg_disk', seq)).toEqual([]);
      expect(hasButtons(ts)).toBe(true);
      expect(
        logs.filter((l) => l.msg === 'slack listener failed' && l.negotiationId === 'neg_disk'),
      ).toHaveLength(1);

      // Trying again once the database is back decides: the failed attempt spent nothing.
      sqlite().exec('drop trigger refuse_transitions');
      await click('U0ALICE', ts, ESCALATION_ACTIONS.decline).acked;
      await eventually(() => expect(slack.calls('chat.update')).toHaveLength(1));
      expect(moves('neg_disk', seq)).toEqual([
        { eventType: 'DECLINE_REQUESTED', toState: 'drafting' },
      ]);
    });
  });
});
