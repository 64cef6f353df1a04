import { type Cents, formatCents } from '../money.js';
import { divHalfUp } from './bounds.js';
import { type Bps, formatBps } from './rate-card.js';

export interface DecisionInput {
  floorCents: Cents;
  ceilingCents: Cents;
  /** Share of the floor-to-ceiling gap to offer at each round (basis points, non-decreasing). */
  scheduleBps: readonly Bps[];
  /** Offers already made in this negotiation (0 = the opening offer is being decided). */
  round: number;
  maxRounds: number;
  /** What the influencer asked for, when they named a price. */
  askCents?: Cents | undefined;
  /** Our last offer, which the next one never goes below. */
  previousOfferCents?: Cents | undefined;
  /** Escalate at once when the ask is above the ceiling by more than this; null = never early. */
  overCeilingMarginBps: Bps | null;
}

export type EscalationReason = 'over_ceiling' | 'max_rounds' | 'at_ceiling' | 'above_approved';

export interface PricingDecision {
  decision: 'agree' | 'counter' | 'escalate';
  /** The amount to agree at or to counter with; null when a person must decide. */
  offerCents: Cents | null;
  floorCents: Cents;
  ceilingCents: Cents;
  /** What the concession schedule plans for this round. */
  plannedCents: Cents;
  escalation?: { reason: EscalationReason; suggestedCents: Cents };
  reasons: string[];
}

/**
 * The concession strategy of NEGOTIATION.md as a pure function: open at the floor, move toward the
 * ceiling by the schedule, never above the ceiling, never above their ask, never below our previous
 * offer; agree at their ask when it is at or below the planned offer; escalate when rounds run out or
 * the ask is beyond the margin. Same input, same decision.
 */
export function decide(input: DecisionInput): PricingDecision {
  validate(input);
  const { floorCents: floor, ceilingCents: ceiling, askCents: ask, round } = input;
  const previous = input.previousOfferCents;
  const reasons: string[] = [];
  const planned = plannedOffer(input, reasons);
  const base = { floorCents: floor, ceilingCents: ceiling, plannedCents: planned, reasons };
  const escalate = (reason: EscalationReason, why: string): PricingDecision => {
    reasons.push(why);
    const suggested = Math.max(Math.min(ask ?? planned, ceiling), previous ?? 0);
    return {
      ...base,
      decision: 'escalate',
      offerCents: null,
      escalation: { reason, suggestedCents: suggested },
    };
  };

  if (ask === undefined) {
    if (round >= input.maxRounds)
      return escalate('max_rounds', `all ${input.maxRounds} rounds used`);
    reasons.push(`no price asked: offer the planned ${formatCents(planned)}`);
    return { ...base, decision: 'counter', offerCents: planned };
  }
  reasons.push(`their ask ${formatCents(ask)}`);
  if (ask <= planned || (previous !== undefined && ask <= previous)) {
    reasons.push(
      ask < floor
        ? `ask is below the floor ${formatCents(floor)}: agree at their ask`
        : `ask is at or below the planned offer ${formatCents(planned)}: agree at their ask`,
    );
    return { ...base, decision: 'agree', offerCents: ask };
  }
  if (round >= input.maxRounds) {
    return escalate(
      'max_rounds',
      `all ${input.maxRounds} rounds used and the ask is above our offer`,
    );
  }
  if (previous !== undefined && previous > ceiling) {
    return escalate(
      'above_approved',
      `our last offer ${formatCents(previous)} was approved by a person above the ceiling; only a person may go higher`,
    );
  }
  if (ask > ceiling && input.overCeilingMarginBps !== null) {
    const limit = Number(
      divHalfUp(BigInt(ceiling) * BigInt(10_000 + input.overCeilingMarginBps), 10_000n),
    );
    if (ask > limit) {
      return escalate(
        'over_ceiling',
        `ask exceeds the ceiling ${formatCents(ceiling)} by more than ${formatBps(input.overCeilingMarginBps)} (limit ${formatCents(limit)})`,
      );
    }
  }
  if (previous !== undefined && previous >= ceiling) {
    return escalate(
      'at_ceiling',
      `our last offer was already the ceiling ${formatCents(ceiling)} and the ask is above it`,
    );
  }
  reasons.push(
    ask > ceiling
      ? `ask is above the ceiling ${formatCents(ceiling)}: counter at the planned ${formatCents(planned)}, never above the ceiling`
      : `ask is within bounds but above the planned offer: counter at ${formatCents(planned)}`,
  );
  return { ...base, decision: 'counter', offerCents: planned };
}

/** floor + gap × schedule[round], never below the previous offer, never above the ceiling by itself. */
function plannedOffer(input: DecisionInput, reasons: string[]): Cents {
  const { floorCents: floor, ceilingCents: ceiling, scheduleBps: schedule } = input;
  const step = Math.min(input.round, schedule.length - 1);
  const share = schedule[step] ?? 10_000;
  const scheduled = floor + Number(divHalfUp(BigInt(ceiling - floor) * BigInt(share), 10_000n));
  reasons.push(
    `round ${input.round}: schedule step ${step} offers ${formatBps(share)} of the gap ${formatCents(floor)}–${formatCents(ceiling)} = ${formatCents(scheduled)}`,
  );
  const previous = input.previousOfferCents;
  if (previous !== undefined && previous > scheduled) {
    reasons.push(`kept at our previous offer ${formatCents(previous)}: offers never go down`);
    return previous;
  }
  return scheduled;
}

function validate(input: DecisionInput): void {
  const wholes: Array<[string, number | undefined]> = [
    ['floor', input.floorCents],
    ['ceiling', input.ceilingCents],
    ['round', input.round],
    ['max rounds', input.maxRounds],
    ['ask', input.askCents],
    ['previous offer', input.previousOfferCents],
  ];
  for (const [name, value] of wholes) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new RangeError(`${name} must be a non-negative whole number, got ${value}`);
    }
  }
  if (input.floorCents > input.ceilingCents) throw new RangeError('floor is above the ceiling');
  if (input.scheduleBps.length === 0) throw new RangeError('concession schedule is empty');
  if (
    input.scheduleBps.some((s, i) => s < 0 || s > 10_000 || s < (input.scheduleBps[i - 1] ?? 0))
  ) {
    throw new RangeError('concession schedule must be non-decreasing shares between 0 and 100%');
  }
}
