/** The sandbox's scripted model: what it reads out of influencer emails and what it writes. */
import { describe, expect, it } from 'vitest';
import {
  fitToSchema,
  latestReply,
  readEmail,
  writeEmail,
} from '../../src/sandbox/anthropic/scripted-model.js';

describe('scripted model: reading', () => {
  it('takes the ask, not the amount quoted back, and ignores quoted history', () => {
    const email = [
      'Hi! You offered $1,000 but my rate for a reel is $1,800.',
      '',
      'On Tue, 24 Nov 2026 at 10:02, Team <team@brand.test> wrote:',
      '> We can offer $1,000 for one reel.',
    ].join('\n');
    expect(readEmail(email)).toMatchObject({
      intent: 'counter',
      proposed_rate_cents: 180_000,
      triggers: [],
    });
  });

  it.each([
    ['Sounds good, $1,250 works for me. Send the brief!', 'accept', 125_000],
    ['Thanks, but I will pass on this one.', 'reject', null],
    ['Could you tell me more about the usage period?', 'question', null],
    ['Hmm. Let me think about it.', 'unclear', null],
    ['Sounds good, but I would need 1.5k for that.', 'counter', 150_000],
    ['I can do it for 2000 USD.', 'counter', 200_000],
  ] as const)('reads %j as %s', (email, intent, cents) => {
    const reading = readEmail(email);
    expect(reading.intent).toBe(intent);
    expect(reading.proposed_rate_cents).toBe(cents);
    expect(reading.confidence).toBe(
      intent === 'unclear' ? 0.4 : intent === 'question' ? 0.85 : 0.9,
    );
  });

  it('flags hostile, legal and unusual requests with the sentence as evidence', () => {
    const reading = readEmail(
      'This offer is an insult. My lawyer will review the contract first. I also want to add a livestream instead of a story.',
    );
    expect(reading.triggers).toEqual([
      { kind: 'hostile_tone', evidence: 'This offer is an insult.' },
      { kind: 'legal_language', evidence: 'My lawyer will review the contract first.' },
      {
        kind: 'unusual_deliverables',
        evidence: 'I also want to add a livestream instead of a story.',
      },
    ]);
    expect(reading.deliverable_changes).toEqual([
      'I also want to add a livestream instead of a story.',
    ]);
  });

  it('stops at Outlook and Apple Mail quote headers and signatures', () => {
    expect(latestReply('Deal!\n--\nAda\n+1 555 0100 $9,999')).toBe('Deal!');
    expect(latestReply('OK for $900\n-----Original Message-----\nFrom: Team\n$500')).toBe(
      'OK for $900',
    );
  });
});

describe('scripted model: writing', () => {
  it('writes a counter with exactly the allowed amount and the deliverables', () => {
    const draft = writeEmail({
      kind: 'counter',
      offer_cents: 137_500,
      influencer_name: 'Ada Lovelace',
      deliverables: [{ type: 'instagram_reel', quantity: 2 }],
      subject: 'Spring collab',
    });
    expect(draft.subject).toBe('Re: Spring collab');
    expect(draft.body).toContain('Hi Ada,');
    expect(draft.body).toContain('$1,375');
    expect(draft.body).toContain('2 × instagram reel');
    expect(draft.body.match(/\$\d[\d,]*(?:\.\d\d)?/g)).toEqual(['$1,375']);
  });

  it('declines and holds without naming any amount', () => {
    for (const kind of ['decline', 'holding'] as const)
      expect(writeEmail({ kind, offer_cents: 100_000 }).body).not.toMatch(/\$/);
  });
});

describe('scripted model: fitting a schema', () => {
  it('maps fields by name in any casing, enums by prefix, and samples the rest', () => {
    const schema = {
      type: 'object',
      properties: {
        intent: { type: 'string', enum: ['accept', 'counter'] },
        proposedRateCents: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        flags: {
          type: 'array',
          items: {
            type: 'object',
            properties: { kind: { type: 'string', enum: ['hostile', 'legal'] } },
          },
        },
        extra: { type: 'boolean' },
      },
    };
    expect(
      fitToSchema(
        { intent: 'counter', proposed_rate_cents: null, flags: [{ kind: 'legal_language' }] },
        schema,
      ),
    ).toEqual({
      intent: 'counter',
      proposedRateCents: null,
      flags: [{ kind: 'legal' }],
      extra: false,
    });
  });
});
