import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRateCard } from '../../src/config-files/rate-card.js';
import { computeBounds, type DecisionInput, decide } from '../../src/domain/pricing/index.js';
import { resolveFromRoot } from '../../src/paths.js';

const rateCard = loadRateCard(resolveFromRoot('config'));
const SCHEDULE = rateCard.concessionScheduleBps;

describe('computeBounds', () => {
  it('prices a package from views, CPM and the rate card multipliers', () => {
    const bounds = computeBounds({
      views: 50_000,
      deliverables: [
        { type: 'instagram_reel', quantity: 1 },
        { type: 'instagram_story', quantity: 2 },
      ],
      cpmTargetCents: 2000,
      leniencyBps: 5000,
      multipliersBps: rateCard.multipliersBps,
    });
    // 50 × $20 × (1.2 + 2 × 0.5) = $2,200; ceiling at $30 CPM = $3,300.
    expect(bounds.floorCents).toBe(220_000);
    expect(bounds.ceilingCents).toBe(330_000);
  });

  it('rounds half-up to the cent once, on the total', () => {
    const bounds = computeBounds({
      views: 1_234,
      deliverables: [{ type: 'tiktok_video', quantity: 1 }],
      cpmTargetCents: 2025,
      leniencyBps: 3333,
      multipliersBps: rateCard.multipliersBps,
    });
    // 1.234 × $20.25 = $24.9885 → $24.99; × 1.3333 = $33.317... → $33.32
    expect(bounds.floorCents).toBe(2499);
    expect(bounds.ceilingCents).toBe(3332);
  });

  it('lets the tighter of the CPM bounds and the sheet pay range win', () => {
    const base = {
      views: 100_000,
      deliverables: [{ type: 'youtube_integration' as const, quantity: 1 }],
      cpmTargetCents: 2000,
      leniencyBps: 5000,
      multipliersBps: rateCard.multipliersBps,
    };
    expect(computeBounds(base)).toMatchObject({ floorCents: 240_000, ceilingCents: 360_000 });
    const narrowed = computeBounds({ ...base, payRange: { minCents: 250_000, maxCents: 300_000 } });
    expect(narrowed).toMatchObject({ floorCents: 250_000, ceilingCents: 300_000 });
    const wide = computeBounds({ ...base, payRange: { minCents: 100_000, maxCents: 900_000 } });
    expect(wide).toMatchObject({ floorCents: 240_000, ceilingCents: 360_000 });
    const conflicting = computeBounds({ ...base, payRange: { minCents: 500_000 } });
    expect(conflicting).toMatchObject({ floorCents: 360_000, ceilingCents: 360_000 });
    expect(conflicting.reasons.join('\n')).toMatch(/conflict/);
    expect(computeBounds({ ...base, maxCostCents: 280_000 }).ceilingCents).toBe(280_000);
  });

  it('refuses nonsense instead of pricing it', () => {
    const base = {
      deliverables: [{ type: 'tiktok_video' as const, quantity: 1 }],
      cpmTargetCents: 2000,
      leniencyBps: 5000,
      multipliersBps: rateCard.multipliersBps,
    };
    expect(() => computeBounds({ ...base, views: -5 })).toThrow(/views/);
    expect(() => computeBounds({ ...base, views: 1.5 })).toThrow(/views/);
    expect(() => computeBounds({ ...base, views: 10, deliverables: [] })).toThrow(
      /no deliverables/,
    );
  });
});

const base: Omit<DecisionInput, 'round' | 'askCents' | 'previousOfferCents'> = {
  floorCents: 100_000,
  ceilingCents: 150_000,
  scheduleBps: SCHEDULE,
  maxRounds: 5,
  overCeilingMarginBps: 2000,
};

describe('decide: the concession strategy', () => {
  it('opens at the floor', () => {
    expect(decide({ ...base, round: 0 })).toMatchObject({
      decision: 'counter',
      offerCents: 100_000,
    });
  });

  it('moves by a diminishing step, neither stuck nor jumping to the ceiling', () => {
    const offers: number[] = [];
    let previous: number | undefined;
    for (let round = 0; round < 4; round++) {
      const d = decide({ ...base, round, askCents: 149_999, previousOfferCents: previous });
      expect(d.decision).toBe('counter');
      offers.push(d.offerCents ?? -1);
      previous = d.offerCents ?? undefined;
    }
    expect(offers).toEqual([100_000, 125_000, 137_500, 145_000]);
    // The last step reaches the ceiling, which covers their ask: agree at the ask, not above it.
    const last = decide({ ...base, round: 4, askCents: 149_999, previousOfferCents: previous });
    expect(last).toMatchObject({ decision: 'agree', offerCents: 149_999 });
    const steps = offers.slice(1).map((o, i) => o - (offers[i] ?? 0));
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeLessThan(steps[i - 1] ?? 0);
  });

  it('agrees at their ask when it is within bounds and at or below the planned offer', () => {
    const d = decide({ ...base, round: 2, askCents: 130_000, previousOfferCents: 125_000 });
    expect(d).toMatchObject({ decision: 'agree', offerCents: 130_000 });
  });

  it('counters, capped at the ceiling, when the ask is above it but within the margin', () => {
    const d = decide({ ...base, round: 4, askCents: 170_000, previousOfferCents: 145_000 });
    expect(d).toMatchObject({ decision: 'counter', offerCents: 150_000 });
  });

  it('escalates when the ask is beyond the ceiling by more than the margin', () => {
    const d = decide({ ...base, round: 1, askCents: 180_001, previousOfferCents: 100_000 });
    expect(d).toMatchObject({ decision: 'escalate', offerCents: null });
    expect(d.escalation).toEqual({ reason: 'over_ceiling', suggestedCents: 150_000 });
  });

  it('keeps countering above the ceiling when the early escalation is switched off', () => {
    const d = decide({
      ...base,
      overCeilingMarginBps: null,
      round: 1,
      askCents: 900_000,
      previousOfferCents: 100_000,
    });
    expect(d).toMatchObject({ decision: 'counter', offerCents: 125_000 });
  });

  it('escalates when the rounds run out', () => {
    const d = decide({ ...base, round: 5, askCents: 160_000, previousOfferCents: 150_000 });
    expect(d.escalation?.reason).toBe('max_rounds');
    // …but an ask the planned offer already covers is still agreed, rounds or not.
    const covered = decide({ ...base, round: 5, askCents: 149_000, previousOfferCents: 148_000 });
    expect(covered).toMatchObject({ decision: 'agree', offerCents: 149_000 });
  });

  it('escalates instead of repeating the ceiling forever', () => {
    const d = decide({ ...base, round: 3, askCents: 160_000, previousOfferCents: 150_000 });
    expect(d.escalation?.reason).toBe('at_ceiling');
  });

  it('never goes above an offer a person approved above the ceiling', () => {
    const d = decide({ ...base, round: 3, askCents: 200_000, previousOfferCents: 170_000 });
    expect(d.escalation?.reason).toBe('above_approved');
  });

  it('explains itself', () => {
    const d = decide({ ...base, round: 1, askCents: 140_000, previousOfferCents: 100_000 });
    expect(d.reasons.join('\n')).toMatch(/schedule step 1 offers 50% of the gap/);
    expect(d.reasons.join('\n')).toMatch(/counter at \$1,250\.00/);
  });

  it('rejects inputs that cannot be priced', () => {
    expect(() => decide({ ...base, round: 0, floorCents: 2, ceilingCents: 1 })).toThrow(/floor/);
    expect(() => decide({ ...base, round: 0, askCents: -1 })).toThrow(/ask/);
    expect(() => decide({ ...base, round: 0, scheduleBps: [5000, 1000] })).toThrow(/schedule/);
  });
});

const arbitraryInput = fc
  .record({
    floor: fc.integer({ min: 0, max: 5_000_000 }),
    gap: fc.integer({ min: 0, max: 5_000_000 }),
    round: fc.integer({ min: 0, max: 8 }),
    maxRounds: fc.integer({ min: 1, max: 8 }),
    ask: fc.option(fc.integer({ min: 0, max: 20_000_000 }), { nil: undefined }),
    previousShare: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
    margin: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
  })
  .map(
    ({ floor, gap, round, maxRounds, ask, previousShare, margin }): DecisionInput => ({
      floorCents: floor,
      ceilingCents: floor + gap,
      scheduleBps: SCHEDULE,
      round,
      maxRounds,
      askCents: ask,
      // a previous offer the agent itself could have made: within the bounds
      previousOfferCents:
        previousShare === undefined
          ? undefined
          : floor + Math.floor((gap * previousShare) / 10_000),
      overCeilingMarginBps: margin,
    }),
  );

describe('decide: properties', () => {
  it('never offers above the ceiling', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const d = decide(input);
        return d.offerCents === null || d.offerCents <= input.ceilingCents;
      }),
      { numRuns: 5000 },
    );
  });

  it("never offers above the influencer's ask", () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const d = decide(input);
        return (
          d.offerCents === null || input.askCents === undefined || d.offerCents <= input.askCents
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('never offers below the floor unless their ask is lower', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const d = decide(input);
        if (d.offerCents === null || d.offerCents >= input.floorCents) return true;
        return input.askCents !== undefined && d.offerCents === input.askCents;
      }),
      { numRuns: 5000 },
    );
  });

  it('never counters below the previous offer', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const d = decide(input);
        if (d.decision !== 'counter' || input.previousOfferCents === undefined) return true;
        return (d.offerCents ?? 0) >= input.previousOfferCents;
      }),
      { numRuns: 5000 },
    );
  });

  it('offers never decrease across the rounds of a negotiation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 4_000_000 }), { minLength: 1, maxLength: 8 }),
        (floor, gap, asks) => {
          let previous: number | undefined;
          for (const [round, ask] of asks.entries()) {
            const d = decide({
              ...base,
              floorCents: floor,
              ceilingCents: floor + gap,
              maxRounds: 8,
              round,
              askCents: ask,
              previousOfferCents: previous,
            });
            if (d.decision !== 'counter') return true;
            if (previous !== undefined && (d.offerCents ?? 0) < previous) return false;
            previous = d.offerCents ?? undefined;
          }
          return true;
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('same inputs, same decision', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        expect(decide(structuredClone(input))).toEqual(decide(input));
      }),
      { numRuns: 1000 },
    );
  });
});
