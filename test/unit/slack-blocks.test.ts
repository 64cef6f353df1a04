/**
 * The Block Kit builders against Slack's limits and against mention injection: many random long
 * and unicode inputs (emoji surrogate pairs, `<`, `&`, Slack's own control sequences) through
 * every message the agent posts, checked with the sandbox emulator's validation and with LIMITS.
 *
 * One file: the random inputs and the limit checks are shared by every builder's cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DRAFT_PURPOSES, ESCALATION_REASONS, NOTICES } from '../../machines/negotiation/index.js';
import type { NegotiationFactsResult } from '../../src/db/negotiation-facts.js';
import { DELIVERABLE_TYPES } from '../../src/domain/pricing/deliverables.js';
import { messageBlocksProblem } from '../../src/sandbox/slack/workspace.js';
import {
  decodeActionValue,
  ESCALATION_ACTIONS,
  REVIEW_ACTIONS,
  THREAD_ACTIONS,
} from '../../src/slack/actions.js';
import { agreementMessage } from '../../src/slack/blocks/agreement.js';
import { approvalMessage } from '../../src/slack/blocks/approval.js';
import { decidedBlocks } from '../../src/slack/blocks/decided.js';
import { escalationMessage } from '../../src/slack/blocks/escalation.js';
import {
  type Block,
  type ChatMessage,
  clip,
  clipMrkdwn,
  LIMITS,
  message,
  section,
  userText,
} from '../../src/slack/blocks/kit.js';
import { noticeMessage } from '../../src/slack/blocks/notice.js';
import { ALERT_KINDS, serviceAlertMessage } from '../../src/slack/blocks/service-alert.js';

const MENTIONS = ['U0ALICE', 'S0DEALS'];

/** Every `<…>` the builders may write themselves; anything else came from user text. */
const OWN_CONTROL =
  /^<(?:@U0ALICE|!subteam\^S0DEALS|@U[0-9A-Z]{4,}|!date\^-?\d+\^\{date_short_pretty\} \{time\}\|[^<>]*|https:\/\/mail\.google\.com\/mail\/\?authuser=[^|<>\s]+#all\/[^|<>\s]+\|[^<>]*)>$/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const nasty = fc.constantFrom(
  '<!channel>',
  '<!here|here>',
  '<!everyone>',
  '<@U0BOB>',
  '<https://evil.test|click me>',
  'a & b < c > d',
  '&amp;&lt;&gt;',
  '😀'.repeat(2000),
  `${'x'.repeat(2999)}😀`,
  `${'&'.repeat(1500)}<`,
  '*bold* _it_ ~s~ `code` ```block```',
  '\n\n\n',
  '',
  ' ',
  'Zoë Ñandú 山田太郎 مرحبا',
  '\u202Eevil\u202C',
  'line\r\nbreak\ttab\u0000nul',
);
const text = (max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: nasty },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: max }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: max }) },
    {
      weight: 1,
      arbitrary: fc.array(nasty, { minLength: 1, maxLength: 40 }).map((parts) => parts.join('')),
    },
  );
const cents = fc.integer({ min: 0, max: 10_000_000_000 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const factsArb: fc.Arbitrary<NegotiationFactsResult> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 60 }).map((s) => `neg_${s}`),
  state: fc.constant('escalated'),
  influencer: fc.record({
    email: text(400),
    name: maybe(text(6000)),
    handle: maybe(text(3000)),
    platform: fc.oneof(fc.constantFrom('instagram', 'tiktok', 'youtube'), text(200)),
    averageViews: maybe(fc.integer({ min: 0, max: 2_000_000_000 })),
  }),
  campaign: maybe(
    fc.record({
      id: fc.constant('spring'),
      client: text(3000),
      name: maybe(text(3000)),
      deliverables: fc.array(
        fc.record({
          type: fc.constantFrom(...DELIVERABLE_TYPES),
          quantity: fc.integer({ min: 1, max: 1000 }),
        }),
        { maxLength: 60 },
      ),
      cpmTargetCents: fc.integer({ min: 0, max: 1_000_000 }),
      paymentTerms: maybe(text(4000)),
      usageRights: maybe(text(4000)),
      productOffer: maybe(text(4000)),
    }),
  ),
  terms: fc.record({
    floorCents: cents,
    ceilingCents: cents,
    maxRounds: fc.integer({ min: 1, max: 50 }),
    round: fc.integer({ min: 0, max: 50 }),
    lastOfferCents: maybe(cents),
    askCents: maybe(cents),
    agreedCents: maybe(cents),
  }),
  threadId: maybe(text(300)),
  subject: maybe(text(2000)),
  conversation: fc.array(
    fc.record({
      direction: fc.constantFrom('in' as const, 'out' as const),
      from: text(500),
      at: fc.integer({ min: 0, max: 4_000_000_000_000 }),
      text: text(20_000),
    }),
    { maxLength: 8 },
  ),
  failedDraft: maybe(
    fc.record({ key: fc.constant('neg:composeEmail:2'), subject: text(2000), body: text(40_000) }),
  ),
});

/** Every message the agent posts, built from the same random inputs. */
function allMessages(facts: NegotiationFactsResult, words: string, amount: number | null) {
  const common = { facts, mailbox: 'team@brand.test', mentions: MENTIONS };
  return [
    agreementMessage({ ...common, agreedCents: amount ?? 0, rounds: 3 }),
    ...ESCALATION_REASONS.map((reason) =>
      escalationMessage({
        ...common,
        effect: {
          reason,
          detail: words,
          askCents: amount,
          lastOfferCents: facts.terms.lastOfferCents,
          suggestedCents: amount,
          floorCents: facts.terms.floorCents,
          ceilingCents: facts.terms.ceilingCents,
        },
      }),
    ),
    ...DRAFT_PURPOSES.map((purpose) =>
      approvalMessage({
        ...common,
        effect: {
          draftKey: `${facts.id}:composeEmail:3`,
          purpose,
          subject: words,
          body: facts.failedDraft?.body ?? words,
          offerCents: amount,
        },
      }),
    ),
    ...NOTICES.flatMap((notice) =>
      [true, false].map((threaded) =>
        noticeMessage({ ...common, notice, detail: words, threaded }),
      ),
    ),
    ...ALERT_KINDS.map((kind) =>
      serviceAlertMessage({ text: words, kind, at: 1_800_000_000_000, mentions: MENTIONS }),
    ),
  ];
}

/** Every string in a message that Slack reads as mrkdwn, and every plain text. */
function texts(msg: ChatMessage): { mrkdwn: string[]; plain: string[] } {
  const mrkdwn = [msg.text];
  const plain: string[] = [];
  for (const block of msg.blocks) {
    if (block.type === 'header') plain.push(block.text.text);
    if (block.type === 'section' && 'text' in block) mrkdwn.push(block.text.text);
    if (block.type === 'section' && 'fields' in block)
      mrkdwn.push(...block.fields.map((f) => f.text));
    if (block.type === 'context') mrkdwn.push(...block.elements.map((e) => e.text));
    if (block.type === 'actions') plain.push(...block.elements.map((e) => e.text.text));
  }
  return { mrkdwn, plain };
}

function limitProblems(msg: ChatMessage): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  check(msg.blocks.length <= LIMITS.blocks, 'too many blocks');
  check(msg.text.length > 0 && msg.text.length <= LIMITS.fallbackText, 'fallback text length');
  for (const block of msg.blocks) {
    if (block.type === 'header')
      check(block.text.text.length > 0 && block.text.text.length <= LIMITS.headerText, 'header');
    if (block.type === 'section' && 'text' in block)
      check(
        block.text.text.length > 0 && block.text.text.length <= LIMITS.sectionText,
        'section text',
      );
    if (block.type === 'section' && 'fields' in block) {
      check(block.fields.length <= LIMITS.fields, 'field count');
      for (const f of block.fields) check(f.text.length <= LIMITS.fieldText, 'field text');
    }
    if (block.type === 'context') {
      check(block.elements.length > 0 && block.elements.length <= LIMITS.contextElements, 'ctx');
      for (const e of block.elements) check(e.text.length <= LIMITS.contextText, 'context text');
    }
    if (block.type === 'actions') {
      check(block.elements.length <= LIMITS.actionElements, 'action count');
      for (const b of block.elements) {
        check(b.text.text.length > 0 && b.text.text.length <= LIMITS.buttonText, 'button text');
        check((b.value?.length ?? 0) <= LIMITS.buttonValue, 'button value');
        check(decodeActionValue(b.value) !== null, 'button value does not decode');
      }
    }
  }
  const { mrkdwn, plain } = texts(msg);
  for (const t of [...mrkdwn, ...plain])
    check(!LONE_SURROGATE.test(t), `a split surrogate pair in ${JSON.stringify(t.slice(-20))}`);
  for (const t of mrkdwn) {
    for (const control of t.match(/<[^>]*>?/g) ?? [])
      check(OWN_CONTROL.test(control), `user text reached mrkdwn as ${control.slice(0, 80)}`);
    for (const amp of t.match(/&[^;\s]{0,6};?/g) ?? [])
      check(/^&(?:amp|lt|gt);$/.test(amp), `a raw or cut entity ${amp}`);
  }
  return problems;
}

describe('Block Kit builders', () => {
  it('stay within Slack limits and escape user text, for any input', () => {
    fc.assert(
      fc.property(factsArb, text(12_000), maybe(cents), (facts, words, amount) => {
        for (const msg of allMessages(facts, words, amount)) {
          expect(messageBlocksProblem(msg.blocks)).toBeNull();
          expect(limitProblems(msg)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never lets an influencer named <!channel> ping the channel', () => {
    const facts = fc.sample(factsArb, { numRuns: 1, seed: 7 })[0] as NegotiationFactsResult;
    const evil: NegotiationFactsResult = {
      ...facts,
      influencer: {
        ...facts.influencer,
        name: '<!channel> & <@U0BOB>',
        handle: '<!here>',
        email: '<!everyone>@x.test',
      },
      conversation: [{ direction: 'in', from: '<!channel>', at: 0, text: '<!channel> pay me' }],
    };
    for (const msg of allMessages(evil, '<!channel> detail', 100_000)) {
      // Plain text (headers, buttons) is never parsed for mentions; mrkdwn and the fallback are.
      const all = texts(msg).mrkdwn.join('\n');
      expect(all).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U0BOB>/);
      expect(limitProblems(msg)).toEqual([]);
    }
    const agreement = agreementMessage({
      facts: evil,
      agreedCents: 1,
      rounds: 1,
      mailbox: 'team@brand.test',
      mentions: [],
    });
    expect(agreement.text).toContain('&lt;!channel&gt; &amp; &lt;@U0BOB&gt;');
  });
});

describe('kit', () => {
  it('cuts text without splitting a surrogate pair, an entity or a link', () => {
    expect(clip('ab😀cd', 4)).toBe('ab…');
    expect(clip('abc', 3)).toBe('abc');
    expect(clipMrkdwn('a&amp;bcdef', 4)).toBe('a…');
    const link = clipMrkdwn('see <https://mail.google.com/x|the thread> now', 20);
    expect(link).toBe('see …');
    expect(userText('<!channel>', 100)).toBe('&lt;!channel&gt;');
  });

  it('keeps the buttons when a message would have more than 50 blocks', () => {
    const buttons: Block = {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'x',
          text: { type: 'plain_text', text: 'Go' },
          value: '{"n":"a"}',
        },
      ],
    };
    const many = Array.from({ length: 60 }, (_, i) => section(`part ${i}`));
    const last = section('the end');
    const fitted = message('t', [...many, buttons, last]);
    expect(fitted.blocks).toHaveLength(LIMITS.blocks);
    expect(fitted.blocks.at(-2)).toEqual(buttons);
    expect(fitted.blocks.at(-1)).toEqual(last);
    expect(JSON.stringify(fitted.blocks.at(-3))).toContain('left out');
  });
});

describe('message content', () => {
  const facts: NegotiationFactsResult = {
    id: 'neg_1',
    state: 'agreed',
    influencer: {
      email: 'ada@creators.test',
      name: 'Ada',
      handle: '@ada',
      platform: 'instagram',
      averageViews: null,
    },
    campaign: null,
    terms: {
      floorCents: 100_000,
      ceilingCents: 150_000,
      maxRounds: 5,
      round: 2,
      lastOfferCents: 120_000,
      askCents: 200_000,
      agreedCents: null,
    },
    threadId: 't1',
    subject: 'Collab',
    conversation: [],
    failedDraft: null,
  };
  const common = { facts, mailbox: 'team@brand.test', mentions: MENTIONS };
  const actionsOf = (msg: ChatMessage) =>
    msg.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));

  it('says the CPM is unknown when the views are', () => {
    const msg = agreementMessage({ ...common, agreedCents: 120_000, rounds: 2 });
    expect(JSON.stringify(msg.blocks)).toContain('unknown (average views not recorded)');
  });

  it('gives an escalation its six decisions, the counter carrying its amount and the other amount their ask', () => {
    const msg = escalationMessage({
      ...common,
      effect: {
        reason: 'over_ceiling',
        detail: 'asks $2,000',
        askCents: 200_000,
        lastOfferCents: 120_000,
        suggestedCents: 150_000,
        floorCents: 100_000,
        ceilingCents: 150_000,
      },
    });
    const buttons = actionsOf(msg);
    expect(buttons.map((b) => b.action_id)).toEqual(Object.values(ESCALATION_ACTIONS));
    expect(buttons[0]?.text.text).toBe('Approve counter at $1,500.00');
    expect(decodeActionValue(buttons[0]?.value)).toEqual({ n: 'neg_1', c: 150_000 });
    expect(buttons[1]?.text.text).toBe('Another amount…');
    expect(decodeActionValue(buttons[1]?.value)).toEqual({ n: 'neg_1', c: 200_000 });
    expect(buttons.slice(2).map((b) => decodeActionValue(b.value))).toEqual(
      Array(4).fill({ n: 'neg_1' }),
    );
  });

  it('carries the draft key on every review button', () => {
    const msg = approvalMessage({
      ...common,
      effect: {
        draftKey: 'neg_1:composeEmail:2',
        purpose: 'counter',
        subject: 'Re: Collab',
        body: 'Hi Ada,\n\nWe can do $1,200.',
        offerCents: 120_000,
      },
    });
    const buttons = actionsOf(msg);
    expect(buttons.map((b) => b.action_id)).toEqual(Object.values(REVIEW_ACTIONS));
    for (const b of buttons)
      expect(decodeActionValue(b.value)).toEqual({ n: 'neg_1', d: 'neg_1:composeEmail:2' });
    expect(JSON.stringify(msg.blocks)).toContain('We can do $1,200.');
  });

  it('offers Resume on a takeover and Take over on a resume, naming who did it', () => {
    const taken = noticeMessage({
      ...common,
      notice: 'taken_over',
      detail: 'taken over by U0ALICE',
      threaded: true,
    });
    expect(actionsOf(taken).map((b) => b.action_id)).toEqual([THREAD_ACTIONS.resume]);
    expect(taken.text).toContain('Taken over by <@U0ALICE>');
    expect(taken.text).toMatch(/sends nothing/);
    const resumed = noticeMessage({
      ...common,
      notice: 'resumed',
      detail: 'resumed by U0BOB',
      threaded: true,
    });
    expect(actionsOf(resumed).map((b) => b.action_id)).toEqual([THREAD_ACTIONS.takeOver]);
    expect(resumed.text).toContain('Resumed by <@U0BOB>');
  });

  it('marks a decided message: no buttons, and who decided', () => {
    const msg = approvalMessage({
      ...common,
      effect: {
        draftKey: 'k',
        purpose: 'counter',
        subject: 's',
        body: 'b',
        offerCents: null,
      },
    });
    const decided = decidedBlocks(msg.blocks, 'Approved by <@U0ALICE>');
    expect(decided.some((b) => b.type === 'actions')).toBe(false);
    expect(decided.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Approved by <@U0ALICE>' }],
    });
    expect(messageBlocksProblem(decided)).toBeNull();
  });
});
