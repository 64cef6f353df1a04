/** The validation gate on realistic drafts: verdicts and rule ids, passes as much as failures. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDraft, type GateDecision, type GateRule } from '../../src/domain/gate/index.js';
import { formatCents } from '../../src/domain/money.js';

/** Instagram: one reel and two stories; we offer $1,500, they asked $1,800; bounds $1,200–$1,900. */
const BASE: GateDecision = {
  purpose: 'counter',
  offerCents: 150_000,
  askCents: 180_000,
  deliverables: [
    { type: 'instagram_reel', quantity: 1 },
    { type: 'instagram_story', quantity: 2 },
  ],
  internal: {
    floorCents: 120_000,
    ceilingCents: 190_000,
    cpmTargetCents: 2_000,
    cpmCeilingCents: 3_000,
  },
};

const SIGN = '\n\nBest,\nLena\nBrightwave Partnerships';
const OK = 'one reel and two stories';

type Row = [name: string, body: string, expected: GateRule[], overrides?: Partial<GateDecision>];

const ROWS: Row[] = [
  // Amount formats that must pass when they equal an allowed amount.
  ['plain $1,500', `Hi Maya,\n\nWe can do $1,500 for ${OK}.${SIGN}`, []],
  ['$1,500.00 equals $1,500', `Hi Maya, our offer is $1,500.00 for ${OK}.${SIGN}`, []],
  ['$1.5k', `Hey Maya! Could we land at $1.5k for ${OK}?${SIGN}`, []],
  ['1.5K bare with a price word', `Hi Maya, our rate would be 1.5K for ${OK}.${SIGN}`, []],
  ['1500 USD', `Hi Maya, we would offer 1500 USD for ${OK}, all in.${SIGN}`, []],
  ['USD 1,500', `Hi Maya, we would offer USD 1,500 for ${OK}.${SIGN}`, []],
  ['US$1,500', `Hi Maya, we would offer US$1,500 for ${OK}.${SIGN}`, []],
  ['fifteen hundred dollars', `Hi Maya, would fifteen hundred dollars work for ${OK}?${SIGN}`, []],
  [
    'one thousand five hundred dollars',
    `Hi Maya, we can offer one thousand five hundred dollars for ${OK}.${SIGN}`,
    [],
  ],
  ['1,500 dollars', `Hi Maya, we can pay 1,500 dollars for ${OK}.${SIGN}`, []],
  ['1500 bucks, casual', `hey maya — 1500 bucks for ${OK}? lmk!${SIGN}`, []],
  [
    'range of the offer and their ask',
    `Hi Maya, between $1,500 and $1,800 is where we are both looking for ${OK}.${SIGN}`,
    [],
  ],
  ['range with one symbol', `Hi Maya, we see ${OK} in the $1,500–1,800 range.${SIGN}`, []],
  [
    'their ask quoted back',
    `Hi Maya,\n\nThanks for sending your rate of $1,800. We can offer $1,500 for ${OK}.${SIGN}`,
    [],
  ],
  [
    'ask quoted as 1.8k',
    `Hi Maya, I know you mentioned 1.8k, but $1,500 is what we can do for ${OK}.${SIGN}`,
    [],
  ],

  // Numbers that are not money must not trip the gate.
  [
    'counts, dates, hours, percentages, a year',
    `Hi Maya,\n\nWe can offer $1,500 for ${OK}. Your last 3 reels averaged 52k views with a 6.1% engagement rate, so we'd love the reel live by Dec 5, 2026, with stories within 24 hours of it.${SIGN}`,
    [],
  ],
  [
    'phone number and handle',
    `Hi Maya, $1,500 for ${OK} works for us. Call me at (415) 555-0132 or +1 415 555 0132, and tag @brightwave2026 in the reel.${SIGN}`,
    [],
  ],
  [
    'followers in k, audience of 50k',
    `Hi Maya, with your audience of 50k and 120k average views, $1,500 for ${OK} is a fair offer.${SIGN}`,
    [],
  ],
  [
    'time, ordinal and a discount code',
    `Hi Maya, $1,500 for ${OK}. Please post on the 5th at 10:30am and use code MAYA15 for 15% off.${SIGN}`,
    [],
  ],
  [
    'CPM in prose without numbers',
    `Hi Maya, we price by views, which is how we got to $1,500 for ${OK}.${SIGN}`,
    [],
  ],

  // Amounts that must fail.
  [
    'amount outside the set',
    `Hi Maya, we can do $1,650 for ${OK}.${SIGN}`,
    ['amount_not_allowed', 'missing_offer'],
  ],
  [
    'offer plus a stray amount',
    `Hi Maya, $1,500 for ${OK}, or $1,700 with a post.${SIGN}`,
    ['amount_not_allowed'],
  ],
  [
    '$2k is not $1,500',
    `Hi Maya, could we do $2k for ${OK}?${SIGN}`,
    ['amount_not_allowed', 'missing_offer'],
  ],
  [
    'two grand in words',
    `Hi Maya, we could stretch to two grand for ${OK}.${SIGN}`,
    ['amount_not_allowed', 'missing_offer'],
  ],
  [
    'range end not allowed',
    `Hi Maya, we're thinking $1,500–1,650 for ${OK}.${SIGN}`,
    ['amount_not_allowed'],
  ],
  ['euros', `Hi Maya, we can offer €1,500 for ${OK}.${SIGN}`, ['other_currency', 'missing_offer']],
  [
    'GBP after the number',
    `Hi Maya, we can offer $1,500 (about 1,180 GBP) for ${OK}.${SIGN}`,
    ['other_currency'],
  ],
  [
    'more than two decimals',
    `Hi Maya, we can offer $1,500.005 for ${OK}.${SIGN}`,
    ['amount_not_allowed', 'missing_offer'],
  ],

  // Internal numbers.
  [
    'the ceiling amount',
    `Hi Maya, $1,500 for ${OK}; we could maybe go to $1,900.${SIGN}`,
    ['internal_number'],
  ],
  [
    'the floor named as such',
    `Hi Maya, $1,500 for ${OK} is well above our floor price.${SIGN}`,
    ['internal_number'],
  ],
  [
    'CPM target quoted',
    `Hi Maya, $1,500 for ${OK} works out to our $20 CPM.${SIGN}`,
    ['internal_number'],
  ],
  [
    'ceiling CPM per 1,000 views',
    `Hi Maya, $1,500 for ${OK}; we never pay over $30 per 1,000 views.${SIGN}`,
    ['internal_number'],
  ],
  [
    'bare ceiling number',
    `Hi Maya, $1,500 for ${OK}. Our budget tops out at 1,900.${SIGN}`,
    ['internal_number'],
  ],

  // Commitments.
  [
    'exclusivity offered',
    `Hi Maya, $1,500 for ${OK}, with 30 days of exclusivity.${SIGN}`,
    ['commitment'],
  ],
  ['no exclusivity required', `Hi Maya, $1,500 for ${OK}. No exclusivity required.${SIGN}`, []],
  [
    "we can't offer exclusivity",
    `Hi Maya, $1,500 for ${OK}. We can't offer exclusivity on this one.${SIGN}`,
    [],
  ],
  [
    'exclusivity refused after the mention',
    `Hi Maya, you mentioned exclusivity, which isn't something we need. $1,500 for ${OK}.${SIGN}`,
    [],
  ],
  [
    'influencer echo without refusal',
    `Hi Maya, you mentioned exclusivity. $1,500 for ${OK}.${SIGN}`,
    ['commitment'],
  ],
  [
    'limited refusal is a commitment',
    `Hi Maya, $1,500 for ${OK}, no exclusivity beyond 30 days.${SIGN}`,
    ['commitment'],
  ],
  [
    'an exclusive code is a promo',
    `Hi Maya, $1,500 for ${OK}, plus an exclusive discount code for your followers.${SIGN}`,
    [],
  ],
  [
    'usage rights in perpetuity',
    `Hi Maya, $1,500 for ${OK} including usage rights in perpetuity.${SIGN}`,
    ['commitment'],
  ],
  [
    'usage rights granted by the campaign',
    `Hi Maya, $1,500 for ${OK}, including 30 days of usage rights on our channels.${SIGN}`,
    [],
    { allowedCommitments: ['usage_rights'] },
  ],
  [
    'whitelisting',
    `Hi Maya, $1,500 for ${OK}; we'd also run whitelisting on the reel.${SIGN}`,
    ['commitment'],
  ],
  [
    'guaranteed views',
    `Hi Maya, $1,500 for ${OK}. We guarantee the reel gets 100k views.${SIGN}`,
    ['commitment'],
  ],
  [
    "results can't be guaranteed",
    `Hi Maya, $1,500 for ${OK}. We can't guarantee sales, of course.${SIGN}`,
    [],
  ],
  [
    'guaranteed payment is not a result',
    `Hi Maya, $1,500 for ${OK}, guaranteed payment on delivery.${SIGN}`,
    [],
  ],
  [
    'future campaigns promised',
    `Hi Maya, $1,500 for ${OK} — and there will be future campaigns for you if this goes well.${SIGN}`,
    ['commitment'],
  ],
  [
    'a hope of future work leaves the door open and promises nothing',
    `Hi Maya, $1,500 for ${OK}. We'd love to stay in touch for future opportunities.${SIGN}`,
    [],
  ],
  [
    'hoping for more campaigns is still a wish',
    `Hi Maya, $1,500 for ${OK}. We hope this leads to more campaigns together.${SIGN}`,
    [],
  ],
  [
    'a hope that commits is a promise',
    `Hi Maya, $1,500 for ${OK}. We hope you know we will give you future campaigns.${SIGN}`,
    ['commitment'],
  ],
  [
    'ambassador',
    `Hi Maya, $1,500 for ${OK}, and we see you as a brand ambassador.${SIGN}`,
    ['commitment'],
  ],
  [
    'long-term partnership',
    `Hi Maya, $1,500 for ${OK}. Excited to build a long-term partnership!${SIGN}`,
    ['commitment'],
  ],
  ['payment terms not granted', `Hi Maya, $1,500 for ${OK}, paid net 30.${SIGN}`, ['commitment']],
  [
    'thanks in advance is not a term',
    `Hi Maya, $1,500 for ${OK}. Thanks in advance, and to be upfront, that's our best.${SIGN}`,
    [],
  ],

  // Placeholders.
  ['[Name]', `Hi [Name],\n\n$1,500 for ${OK}.${SIGN}`, ['placeholder']],
  [
    '{{rate}}',
    `Hi Maya, we can offer {{rate}} for ${OK}.${SIGN}`,
    ['placeholder', 'missing_offer'],
  ],
  [
    '<INSERT RATE>',
    `Hi Maya, we can offer <INSERT RATE> for ${OK}.${SIGN}`,
    ['placeholder', 'missing_offer'],
  ],
  ['$X,XXX', `Hi Maya, we can offer $X,XXX for ${OK}.${SIGN}`, ['placeholder', 'missing_offer']],
  [
    'TBD and [Your Name]',
    `Hi Maya, $1,500 for ${OK}. Posting date TBD.\n\nBest,\n[Your Name]`,
    ['placeholder'],
  ],
  ['lorem ipsum', `Hi Maya, $1,500 for ${OK}. Lorem ipsum dolor sit amet.${SIGN}`, ['placeholder']],
  [
    'email address in angle brackets is fine',
    `Hi Maya, $1,500 for ${OK}. Contracts come from Lena <lena@brightwave.test>.${SIGN}`,
    [],
  ],

  // Length, emptiness, deliverables.
  ['empty', '   \n  ', ['empty']],
  ['too short', '$1,500 for a reel, 2 stories.', ['length']],
  [
    'too long',
    `Hi Maya, $1,500 for ${OK}. ${'We really love your content. '.repeat(60)}${SIGN}`,
    ['length'],
  ],
  [
    'deliverables missing',
    `Hi Maya,\n\nWe can offer $1,500 for the package we discussed.${SIGN}`,
    ['deliverables_missing'],
  ],
  [
    'story quantity missing',
    `Hi Maya, $1,500 covers the reel and the stories.${SIGN}`,
    ['deliverables_missing'],
  ],
  [
    'wrong quantity',
    `Hi Maya, $1,500 for one reel and 3 Instagram stories.${SIGN}`,
    ['deliverables_mismatch'],
  ],
  [
    'quantities written with a times sign',
    `Hi Maya,\n\nFor 1 × Instagram reel and 2 × Instagram story, we can offer $1,500.${SIGN}`,
    [],
  ],
  [
    'a times sign with the wrong quantity',
    `Hi Maya,\n\nFor 1x reel and 3x stories, we can offer $1,500.${SIGN}`,
    ['deliverables_mismatch'],
  ],
  [
    'TikTok video',
    `Hi Leo, we can offer $1,500 for one TikTok video, live within two weeks.${SIGN}`,
    [],
    { deliverables: [{ type: 'tiktok_video', quantity: 1 }] },
  ],
  [
    'YouTube integration and shorts',
    `Hi Ava, $1,500 for a 60-second YouTube integration plus two Shorts.${SIGN}`,
    [],
    {
      deliverables: [
        { type: 'youtube_integration', quantity: 1 },
        { type: 'youtube_short', quantity: 2 },
      ],
    },
  ],
  [
    'dedicated video missing',
    `Hi Ava, $1,500 for a YouTube integration in your next upload.${SIGN}`,
    ['deliverables_missing'],
    { deliverables: [{ type: 'youtube_dedicated', quantity: 1 }] },
  ],

  // Purposes.
  [
    'agreement with amount and terms',
    `Subject: Re: Brightwave x Maya — confirmed\n\nHi Maya,\n\nDeal: $1,800 for ${OK}, paid net 30 after the reel goes live.${SIGN}`,
    [],
    { purpose: 'agreement', offerCents: 180_000, paymentTerms: 'Net 30' },
  ],
  [
    'agreement stating terms that are a sentence of their own',
    `Hi Maya,\n\nConfirmed: $1,800 for ${OK}. Payment terms: 50% on signing, 50% within 30 days of the content going live, by bank transfer.${SIGN}`,
    [],
    {
      purpose: 'agreement',
      offerCents: 180_000,
      paymentTerms:
        '50% on signing, 50% within 30 days of the content going live, by bank transfer.',
    },
  ],
  [
    'agreement without the terms',
    `Hi Maya, confirmed: $1,800 for ${OK}. Contract to follow.${SIGN}`,
    ['payment_terms_missing'],
    { purpose: 'agreement', offerCents: 180_000, paymentTerms: 'net 30' },
  ],
  [
    'agreement at the wrong amount',
    `Hi Maya, confirmed: $1,500 for ${OK}.${SIGN}`,
    ['amount_not_allowed', 'missing_offer'],
    { purpose: 'agreement', offerCents: 180_000 },
  ],
  [
    'polite decline',
    `Hi Maya,\n\nThanks so much for the time. We're not able to make the numbers work this round, but we love your work.${SIGN}`,
    [],
    { purpose: 'decline', offerCents: undefined },
  ],
  [
    'decline naming their ask',
    `Hi Maya, unfortunately $1,800 is more than we can do, so we'll pass for now.${SIGN}`,
    ['amount_not_allowed'],
    { purpose: 'decline', offerCents: undefined },
  ],
  [
    'follow-up needs no amount or deliverables',
    `Hi Maya, just floating this back to the top of your inbox — any thoughts on our note?${SIGN}`,
    [],
    { purpose: 'follow_up' },
  ],
  [
    'holding reply',
    `Hi Maya, thanks! Checking with the team on the posting dates and will get back to you by Friday.${SIGN}`,
    [],
    { purpose: 'holding' },
  ],
  [
    'subject line counts',
    `Subject: Offer: $2,000 for ${OK}\n\nHi Maya, $1,500 for ${OK}.${SIGN}`,
    ['amount_not_allowed'],
  ],
];

describe('checkDraft on a table of drafts', () => {
  it('has at least 45 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(45);
  });

  it.each(ROWS)('%s', (_name, raw, expected, overrides) => {
    const [, subject, body] = /^(?:Subject: (.*)\n\n)?([\s\S]*)$/.exec(raw) ?? [];
    const result = checkDraft(
      { subject: subject ?? '', body: body ?? '' },
      { ...BASE, ...overrides },
    );
    const rules = [...new Set(result.failures.map((f) => f.rule))].sort();
    expect(rules, JSON.stringify(result.failures)).toEqual([...expected].sort());
    expect(result.passed).toBe(expected.length === 0);
  });
});

describe('failure details name the offending text', () => {
  it('quotes the amount and lists what is allowed', () => {
    const { failures } = checkDraft({ body: `Hi Maya, $1,650 for ${OK}.${SIGN}` }, BASE);
    expect(failures).toContainEqual({
      rule: 'amount_not_allowed',
      detail: '"$1,650" is not an allowed amount (allowed: $1,500 our offer, $1,800 their ask)',
    });
    expect(failures).toContainEqual({
      rule: 'missing_offer',
      detail: 'the draft does not name our offer $1,500',
    });
  });

  it('quotes commitments, placeholders and internal numbers', () => {
    const body = `Hi [Name], $1,500 for ${OK} with exclusivity; $1,900 is our ceiling.${SIGN}`;
    const details = checkDraft({ body }, BASE).failures.map((f) => f.detail);
    expect(details).toEqual(
      expect.arrayContaining([
        'placeholder "[Name]" left in',
        '"exclusivity" commits to exclusivity, which this decision does not allow',
        '"$1,900" reveals our ceiling ($1,900)',
        '"our ceiling" talks about our internal pricing',
      ]),
    );
  });

  it('rejects an incomplete decision instead of judging the draft', () => {
    expect(() => checkDraft({ body: 'x' }, { purpose: 'counter' })).toThrow(/needs offerCents/);
  });
});

describe('checkDraft properties', () => {
  const cents = fc.integer({ min: 100, max: 5_000_000 });
  const styles = (c: number): string[] => {
    const whole = c % 100 === 0;
    const dollars = Math.floor(c / 100);
    return [
      formatCents(c),
      formatCents(c, { dropZeroCents: true }),
      `${formatCents(c).slice(1)} USD`,
      `USD ${formatCents(c, { dropZeroCents: true }).slice(1)}`,
      ...(whole ? [`${dollars} dollars`, `$${dollars}`] : []),
      ...(whole && dollars % 100 === 0 ? [`$${dollars / 1000}k`] : []),
    ];
  };
  const draftWith = (amount: string) =>
    `Hi Maya,\n\nWe can offer ${amount} for one reel and two stories, posted by Dec 5.${SIGN}`;

  it('passes any allowed amount in any common style', () => {
    fc.assert(
      fc.property(cents, fc.nat(10), (offer, pick) => {
        const options = styles(offer);
        const amount = options[pick % options.length] ?? '';
        const decision = { ...BASE, offerCents: offer, askCents: undefined, internal: {} };
        const result = checkDraft({ body: draftWith(amount) }, decision);
        expect(result.failures).toEqual([]);
      }),
    );
  });

  it('fails any amount outside the allowed set', () => {
    fc.assert(
      fc.property(cents, cents, (offer, other) => {
        fc.pre(offer !== other);
        const decision = { ...BASE, offerCents: offer, askCents: undefined, internal: {} };
        const body = `${draftWith(formatCents(offer))}\nOr ${formatCents(other)} if you add a post.`;
        const rules = checkDraft({ body }, decision).failures.map((f) => f.rule);
        expect(rules).toContain('amount_not_allowed');
      }),
    );
  });
});
