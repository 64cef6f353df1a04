import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  type Effect,
  type Emitted,
  MACHINE_VERSION,
  type NegotiationEvent,
  negotiationMachine,
  parseNegotiationEvent,
  parsePersistedSnapshot,
  TERMINAL_STATES,
} from '../../machines/negotiation/index.js';
import {
  answerFor,
  classified,
  type NegotiationSnapshot,
  negotiationInput,
  startNegotiation,
} from '../support/negotiation.js';
import { eventsFor, serializeState } from '../support/negotiation-graph.js';

const effects = (emitted: Emitted[]): Effect[] =>
  emitted.flatMap((e) => (e.type === 'effect' ? [e.effect] : []));

/** Answers whatever the machine waits for (draft, approval, send) until it waits for people. */
function settle(actor: ReturnType<typeof startNegotiation>['actor']): void {
  for (let i = 0; i < 10; i++) {
    const answer = answerFor(actor.getSnapshot());
    if (!answer) return;
    actor.send(answer);
  }
}

describe('a negotiation from first reply to agreement', () => {
  it('haggles within range and agrees at their ask', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(classified('m1', 'counter', 160_000));
    settle(actor);
    expect(actor.getSnapshot().value).toBe('awaitingReply');
    expect(actor.getSnapshot().context).toMatchObject({ round: 1, lastOfferCents: 100_000 });

    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm2' });
    actor.send(classified('m2', 'counter', 140_000));
    settle(actor);
    expect(actor.getSnapshot().context).toMatchObject({ round: 2, lastOfferCents: 125_000 });

    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm3' });
    actor.send(classified('m3', 'counter', 135_000));
    settle(actor);
    expect(actor.getSnapshot().value).toBe('agreed');
    const sent = effects(emitted).filter((e) => e.kind === 'sendEmail');
    expect(sent.map((e) => [e.purpose, e.offerCents])).toEqual([
      ['opening', 100_000],
      ['counter', 125_000],
      ['agreement', 135_000],
    ]);
    expect(effects(emitted).filter((e) => e.kind === 'postAgreement')).toEqual([
      { kind: 'postAgreement', key: 'neg_1:postAgreement:1', agreedCents: 135_000, rounds: 2 },
    ]);
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('agrees at our last offer when they accept it', () => {
    const { actor, emitted } = startNegotiation({
      input: negotiationInput({ initialOfferCents: 110_000 }),
    });
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(classified('m1', 'accept'));
    settle(actor);
    expect(actor.getSnapshot().value).toBe('agreed');
    expect(effects(emitted).find((e) => e.kind === 'postAgreement')).toMatchObject({
      agreedCents: 110_000,
    });
  });

  it('in review mode waits for a person before every email, with a reminder timer', () => {
    const input = negotiationInput({
      settings: { ...negotiationInput().settings, reviewMode: true },
    });
    const { actor, emitted } = startNegotiation({ input });
    actor.send({ type: 'OFFER_REQUESTED' });
    actor.send(answerFor(actor.getSnapshot()) as NegotiationEvent);
    expect(actor.getSnapshot().value).toBe('awaitingApproval');
    expect(effects(emitted).some((e) => e.kind === 'sendEmail')).toBe(false);
    expect(effects(emitted).at(-1)).toMatchObject({ kind: 'setTimer', timer: 'approval_reminder' });
    actor.send({ type: 'APPROVAL_REMINDER_DUE' });
    expect(effects(emitted).at(-1)).toMatchObject({
      kind: 'postNotice',
      notice: 'approval_reminder',
    });
    const draftKey = actor.getSnapshot().context.draft?.key ?? '';
    actor.send({
      type: 'DRAFT_EDITED',
      draftKey,
      by: 'U1',
      subject: 'Re: collab',
      body: 'edited by a person',
    });
    expect(actor.getSnapshot().value).toBe('sending');
    expect(effects(emitted).find((e) => e.kind === 'sendEmail')).toMatchObject({
      body: 'edited by a person',
    });
    expect(effects(emitted)).toContainEqual({ kind: 'clearTimer', timer: 'approval_reminder' });
  });
});

describe('escalation', () => {
  it('escalates a firm ask far above the ceiling, then a person approves it', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(classified('m1', 'counter', 300_000));
    expect(actor.getSnapshot().value).toBe('escalated');
    expect(effects(emitted).at(-1)).toMatchObject({
      kind: 'postEscalation',
      reason: 'over_ceiling',
      askCents: 300_000,
      floorCents: 100_000,
      ceilingCents: 150_000,
      suggestedCents: 150_000,
    });
    actor.send({ type: 'COUNTER_APPROVED', by: 'U1', amountCents: 300_000 });
    settle(actor);
    expect(actor.getSnapshot().value).toBe('agreed');
    expect(effects(emitted).find((e) => e.kind === 'postAgreement')).toMatchObject({
      agreedCents: 300_000,
    });
  });

  it.each([
    ['hostileTone', 'hostile_tone'],
    ['legalLanguage', 'legal_language'],
    ['unusualDeliverables', 'unusual_deliverables'],
  ] as const)('escalates on %s with the evidence', (flag, reason) => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(
      classified('m1', 'counter', 120_000, {
        flags: {
          hostileTone: false,
          legalLanguage: false,
          unusualDeliverables: false,
          [flag]: true,
        },
        evidence: ['quoted words'],
      }),
    );
    expect(actor.getSnapshot().value).toBe('escalated');
    expect(effects(emitted).at(-1)).toMatchObject({ kind: 'postEscalation', reason });
    expect(actor.getSnapshot().context.escalation?.detail).toContain('quoted words');
  });

  it('lets a disabled trigger pass to the pricing rules', () => {
    const input = negotiationInput({
      policy: { ...negotiationInput().policy, hostileTone: false },
    });
    const { actor } = startNegotiation({ input });
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(
      classified('m1', 'counter', 120_000, {
        flags: { hostileTone: true, legalLanguage: false, unusualDeliverables: false },
      }),
    );
    expect(actor.getSnapshot().value).toBe('drafting');
  });

  it('treats low confidence as ambiguous', () => {
    const { actor } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(classified('m1', 'accept', null, { confidence: 0.4 }));
    expect(actor.getSnapshot().context.escalation?.reason).toBe('ambiguous');
  });

  it('never lets "continue" push the agent above the ceiling on its own', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(classified('m1', 'counter', 900_000));
    actor.send({ type: 'AGENT_CONTINUE_REQUESTED', by: 'U1' });
    expect(actor.getSnapshot().value).toBe('drafting');
    const compose = effects(emitted)
      .filter((e) => e.kind === 'composeEmail')
      .at(-1);
    expect(compose).toMatchObject({ offerCents: 150_000 });
  });

  it('re-reads a reply that arrived while escalated when the agent continues', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send({ type: 'CLASSIFICATION_FAILED', messageId: 'm1', error: 'overloaded' });
    expect(actor.getSnapshot().context.escalation?.reason).toBe('model_unavailable');
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm2' });
    expect(effects(emitted).at(-1)).toMatchObject({
      kind: 'postNotice',
      notice: 'reply_while_escalated',
    });
    actor.send({ type: 'AGENT_CONTINUE_REQUESTED', by: 'U1' });
    expect(actor.getSnapshot().value).toBe('counterReceived');
    expect(effects(emitted).at(-1)).toMatchObject({ kind: 'classifyReply', messageId: 'm2' });
  });

  it('escalates when an effect it waits on fails, and only then', () => {
    const { actor } = startNegotiation();
    actor.send({ type: 'OFFER_REQUESTED' });
    actor.send({
      type: 'EFFECT_FAILED',
      effectKey: 'neg_1:postNotice:7',
      kind: 'postNotice',
      error: 'x',
    });
    expect(actor.getSnapshot().value).toBe('drafting');
    const key = actor.getSnapshot().context.draft?.key ?? '';
    actor.send({
      type: 'EFFECT_FAILED',
      effectKey: key,
      kind: 'composeEmail',
      error: 'model down',
    });
    // A draft that could not be had means the model stayed out of reach.
    expect(actor.getSnapshot().context.escalation).toMatchObject({
      reason: 'model_unavailable',
    });
  });

  it('names a failed send as a failed effect', () => {
    const { actor } = startNegotiation();
    actor.send({ type: 'OFFER_REQUESTED' });
    const draftKey = actor.getSnapshot().context.draft?.key ?? '';
    actor.send({ type: 'DRAFT_READY', draftKey, subject: 'Collab', body: 'Hello' });
    const sendKey = actor.getSnapshot().context.draft?.sendKey ?? '';
    actor.send({ type: 'EFFECT_FAILED', effectKey: sendKey, kind: 'sendEmail', error: 'gone' });
    expect(actor.getSnapshot().context.escalation).toMatchObject({ reason: 'effect_failed' });
  });
});

describe('holding reply while people decide', () => {
  const holdingInput = (settings: Partial<ReturnType<typeof negotiationInput>['settings']> = {}) =>
    negotiationInput({
      settings: { ...negotiationInput().settings, holdingReplyMs: 3_600_000, ...settings },
    });

  function escalateOnReply(input: ReturnType<typeof negotiationInput>) {
    const started = startNegotiation({ input });
    started.actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    started.actor.send(
      classified('m1', 'counter', 140_000, {
        flags: { hostileTone: false, legalLanguage: true, unusualDeliverables: false },
      }),
    );
    expect(started.actor.getSnapshot().value).toBe('escalated');
    return started;
  }

  it('arms a timer on escalation, then composes and sends one holding reply for the waiting email', () => {
    const { actor, emitted } = escalateOnReply(holdingInput());
    expect(effects(emitted)).toContainEqual(
      expect.objectContaining({ kind: 'setTimer', timer: 'holding_reply', delayMs: 3_600_000 }),
    );
    actor.send({ type: 'HOLDING_REPLY_DUE' });
    const holding = effects(emitted).at(-1);
    expect(holding).toEqual({
      kind: 'sendHoldingReply',
      key: 'neg_1:sendHoldingReply:1',
      answering: 'm1',
    });
    actor.send({
      type: 'EMAIL_SENT',
      effectKey: 'neg_1:sendHoldingReply:1',
      gmailMessageId: 'g1',
      threadId: 't1',
    });
    const after = actor.getSnapshot();
    expect(after.value).toBe('escalated');
    // The real answer is still owed: a person's decision will answer m1.
    expect(after.context.unansweredMessageId).toBe('m1');
    actor.send({ type: 'COUNTER_APPROVED', by: 'U1', amountCents: 130_000 });
    expect(effects(emitted)).toContainEqual({ kind: 'clearTimer', timer: 'holding_reply' });
  });

  it('sends none when switched off or in review mode', () => {
    for (const input of [
      holdingInput({ holdingReplyMs: null }),
      holdingInput({ reviewMode: true }),
    ]) {
      const { emitted } = escalateOnReply(input);
      expect(
        effects(emitted).some((e) => e.kind === 'setTimer' && e.timer === 'holding_reply'),
      ).toBe(false);
    }
  });

  it('sends none when nothing waits for an answer', () => {
    const { actor, emitted } = startNegotiation({ input: holdingInput() });
    actor.send({ type: 'OFFER_REQUESTED' });
    const draftKey = actor.getSnapshot().context.draft?.key ?? '';
    actor.send({ type: 'DRAFT_FAILED', draftKey, failures: ['amount_not_allowed: $9'] });
    expect(actor.getSnapshot().value).toBe('escalated');
    expect(effects(emitted).some((e) => e.kind === 'setTimer' && e.timer === 'holding_reply')).toBe(
      false,
    );
    actor.send({ type: 'HOLDING_REPLY_DUE' });
    expect(emitted.at(-1)).toEqual({ type: 'ignored', reason: 'no email waits for an answer' });
  });
});

describe('follow-ups, staleness and people taking over', () => {
  it('follows up once, goes stale, and revives on a late reply', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'OFFER_REQUESTED' });
    settle(actor);
    expect(effects(emitted).at(-1)).toMatchObject({
      kind: 'setTimer',
      timer: 'follow_up',
      delayMs: 172_800_000,
    });
    actor.send({ type: 'STALE_DUE' });
    expect(actor.getSnapshot().value).toBe('awaitingReply');
    actor.send({ type: 'FOLLOW_UP_DUE' });
    settle(actor);
    expect(
      effects(emitted)
        .filter((e) => e.kind === 'sendEmail')
        .at(-1),
    ).toMatchObject({ purpose: 'follow_up' });
    expect(effects(emitted).at(-1)).toMatchObject({
      kind: 'setTimer',
      timer: 'stale',
      delayMs: 259_200_000,
    });
    actor.send({ type: 'FOLLOW_UP_DUE' });
    expect(emitted.at(-1)).toEqual({ type: 'ignored', reason: 'follow-up already sent' });
    actor.send({ type: 'STALE_DUE' });
    expect(actor.getSnapshot().value).toBe('stale');
    expect(effects(emitted).at(-1)).toMatchObject({ kind: 'postNotice', notice: 'stale' });
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'late' });
    expect(actor.getSnapshot().value).toBe('counterReceived');
  });

  it('cancels the timers when a reply arrives', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'OFFER_REQUESTED' });
    settle(actor);
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    expect(effects(emitted)).toContainEqual({ kind: 'clearTimer', timer: 'follow_up' });
  });

  it('stays silent under human control and reads an unanswered reply when handed back', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'OFFER_REQUESTED' });
    settle(actor);
    actor.send({ type: 'HUMAN_TOOK_OVER', by: 'U1' });
    // Both moves are announced to the team.
    expect(effects(emitted).at(-1)).toMatchObject({
      kind: 'postNotice',
      notice: 'taken_over',
      detail: 'taken over by U1',
    });
    const before = effects(emitted).length;
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send({ type: 'FOLLOW_UP_DUE' });
    expect(effects(emitted).length).toBe(before);
    actor.send({ type: 'RESUMED', by: 'U1' });
    expect(actor.getSnapshot().value).toBe('counterReceived');
    expect(effects(emitted).slice(-2)).toMatchObject([
      { kind: 'postNotice', notice: 'resumed', detail: 'resumed by U1' },
      { kind: 'classifyReply', messageId: 'm1' },
    ]);
  });

  it('takes over by itself when a person writes in the thread', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send({ type: 'HUMAN_EMAIL_SEEN', messageId: 'team-1' });
    expect(actor.getSnapshot().value).toBe('humanControl');
    expect(effects(emitted).at(-1)).toMatchObject({ kind: 'postNotice', notice: 'taken_over' });
    actor.send({ type: 'RESUMED', by: 'U1' });
    expect(actor.getSnapshot().value).toBe('initialOffer');
  });

  it('reads the newest reply when one arrives while drafting, and ignores the stale draft', () => {
    const { actor, emitted } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(classified('m1', 'counter', 140_000));
    const oldKey = actor.getSnapshot().context.draft?.key ?? '';
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm2' });
    expect(effects(emitted).at(-1)).toMatchObject({ kind: 'classifyReply', messageId: 'm2' });
    actor.send({ type: 'DRAFT_READY', draftKey: oldKey, subject: 's', body: 'b' });
    expect(actor.getSnapshot().value).toBe('counterReceived');
    expect(emitted.at(-1)).toMatchObject({ type: 'ignored' });
    actor.send(classified('m1', 'accept'));
    expect(emitted.at(-1)).toMatchObject({
      type: 'ignored',
      reason: expect.stringMatching(/older message/),
    });
  });

  it('answers a reply that arrived while an email was being sent', () => {
    const { actor } = startNegotiation();
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(classified('m1', 'counter', 140_000));
    actor.send(answerFor(actor.getSnapshot()) as NegotiationEvent);
    expect(actor.getSnapshot().value).toBe('sending');
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm2' });
    actor.send(answerFor(actor.getSnapshot()) as NegotiationEvent);
    expect(actor.getSnapshot().value).toBe('counterReceived');
    expect(actor.getSnapshot().context.classifying?.messageId).toBe('m2');
  });
});

describe('no event is silently dropped', () => {
  const samples = (s: NegotiationSnapshot): NegotiationEvent[] => {
    const ctx = s.context;
    const draftKey = ctx.draft?.key || 'k';
    return [
      { type: 'OFFER_REQUESTED' },
      { type: 'REPLY_RECEIVED', messageId: 'probe' },
      { type: 'HUMAN_EMAIL_SEEN', messageId: 'team' },
      classified(ctx.classifying?.messageId ?? 'other', 'counter', 120_000),
      { type: 'CLASSIFICATION_FAILED', messageId: 'other', error: 'x' },
      { type: 'DRAFT_READY', draftKey, subject: 's', body: 'b' },
      { type: 'DRAFT_FAILED', draftKey, failures: ['f'] },
      { type: 'DRAFT_APPROVED', draftKey, by: 'U' },
      { type: 'DRAFT_EDITED', draftKey, by: 'U', subject: 's', body: 'b' },
      { type: 'DRAFT_REJECTED', draftKey, by: 'U', reason: null },
      { type: 'EMAIL_SENT', effectKey: 'unknown', gmailMessageId: 'g', threadId: 't' },
      { type: 'EFFECT_FAILED', effectKey: 'unknown', kind: 'postNotice', error: 'x' },
      { type: 'FOLLOW_UP_DUE' },
      { type: 'STALE_DUE' },
      { type: 'APPROVAL_REMINDER_DUE' },
      { type: 'COUNTER_APPROVED', by: 'U', amountCents: 120_000 },
      { type: 'DECLINE_REQUESTED', by: 'U' },
      { type: 'AGENT_CONTINUE_REQUESTED', by: 'U' },
      { type: 'HUMAN_REPLY_SUBMITTED', by: 'U', subject: 's', body: 'b', offerCents: null },
      { type: 'HUMAN_TOOK_OVER', by: 'U' },
      { type: 'PAUSED', by: 'U' },
      { type: 'RESUMED', by: 'U' },
      { type: 'STOPPED', by: 'U', reason: null },
    ];
  };
  const input = negotiationInput({
    settings: { ...negotiationInput().settings, reviewMode: true },
  });
  const reachable = getShortestPaths(negotiationMachine, {
    input,
    events: eventsFor,
    serializeState: (s) => serializeState(s as NegotiationSnapshot),
  }).filter((p) => !TERMINAL_STATES.includes(p.state.value as never));

  it('every event in every reachable state changes something or records why not', () => {
    const values = new Set<string>();
    for (const path of reachable.filter((_, i) => i % 7 === 0)) {
      const json = JSON.stringify(path.state);
      values.add(String(path.state.value));
      for (const event of samples(path.state as NegotiationSnapshot)) {
        const emitted: Emitted[] = [];
        const actor = createActor(negotiationMachine, { input, snapshot: JSON.parse(json) });
        actor.on('*', (e) => emitted.push(e as Emitted));
        actor.start();
        const before = JSON.stringify(actor.getPersistedSnapshot());
        actor.send(event);
        const changed = JSON.stringify(actor.getPersistedSnapshot()) !== before;
        const explained = emitted.some((e) => e.type === 'ignored');
        expect(changed || explained, `${event.type} in ${path.state.value}`).toBe(true);
        expect(
          changed && explained,
          `${event.type} in ${path.state.value} both changed and ignored`,
        ).toBe(false);
        if (event.type === 'REPLY_RECEIVED') {
          const ctx = actor.getSnapshot().context;
          expect([ctx.unansweredMessageId, ctx.classifying?.messageId]).toContain('probe');
        }
      }
    }
    expect(values.size).toBeGreaterThanOrEqual(9);
  });
});

describe('events and snapshots from outside are validated', () => {
  it('rejects malformed events with every wrong field named', () => {
    const bad = parseNegotiationEvent({
      type: 'REPLY_CLASSIFIED',
      messageId: '',
      intent: 'maybe',
      confidence: 2,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toMatch(/messageId/);
      expect(bad.error).toMatch(/intent/);
      expect(bad.error).toMatch(/confidence/);
    }
    expect(parseNegotiationEvent({ type: 'NOPE' }).ok).toBe(false);
    expect(parseNegotiationEvent({ type: 'COUNTER_APPROVED', by: 'U1', amountCents: 1.5 }).ok).toBe(
      false,
    );
  });

  it('restores a valid snapshot and refuses broken ones with a reason', () => {
    const { actor } = startNegotiation();
    actor.send({ type: 'OFFER_REQUESTED' });
    const json = JSON.stringify(actor.getPersistedSnapshot());
    expect(parsePersistedSnapshot(json, MACHINE_VERSION)).toMatchObject({
      ok: true,
      migratedFrom: null,
    });
    expect(parsePersistedSnapshot('{oops', MACHINE_VERSION)).toEqual({
      ok: false,
      error: 'snapshot is not valid JSON',
    });
    expect(parsePersistedSnapshot(json, MACHINE_VERSION + 1)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unknown machine version/),
    });
    const renamed = json.replace('"drafting"', '"writing"');
    expect(parsePersistedSnapshot(renamed, MACHINE_VERSION)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/value/),
    });
    const missing = JSON.parse(json);
    delete missing.context.terms;
    expect(parsePersistedSnapshot(JSON.stringify(missing), MACHINE_VERSION)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/terms/),
    });
  });
});

describe('an agreement on its way', () => {
  it('is not cut off by a stop: the deal closes and is announced once', () => {
    const { actor, emitted } = startNegotiation({
      input: negotiationInput({ initialOfferCents: 110_000 }),
    });
    actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
    actor.send(classified('m1', 'accept'));
    actor.send(answerFor(actor.getSnapshot()) as NegotiationEvent);
    expect(actor.getSnapshot().value).toBe('sending');
    actor.send({ type: 'STOPPED', by: 'U1', reason: null });
    expect(emitted.at(-1)).toMatchObject({
      type: 'ignored',
      reason: expect.stringMatching(/agreement email/),
    });
    actor.send(answerFor(actor.getSnapshot()) as NegotiationEvent);
    expect(actor.getSnapshot().value).toBe('agreed');
    expect(effects(emitted).filter((e) => e.kind === 'postAgreement')).toHaveLength(1);
  });
});
