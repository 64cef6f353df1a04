import { type Cents, formatCents } from '../money.js';
import type { Deliverable } from './deliverables.js';
import { type Bps, formatBps } from './rate-card.js';

export interface BoundsInput {
  /** Average views per piece of content. */
  views: number;
  deliverables: Deliverable[];
  cpmTargetCents: Cents;
  leniencyBps: Bps;
  multipliersBps: Record<Deliverable['type'], Bps>;
  /** Pre-calculated pay range from the influencer sheet, when it has one. */
  payRange?: { minCents?: Cents | undefined; maxCents?: Cents | undefined } | undefined;
  /** Campaign cap: the most one influencer may cost without a person's approval. */
  maxCostCents?: Cents | undefined;
}

export interface Bounds {
  floorCents: Cents;
  ceilingCents: Cents;
  reasons: string[];
}

/**
 * Floor and ceiling for a package (NEG-02, NEG-03, NEG-07):
 * package price = Σ views/1000 × CPM × multiplier × quantity, rounded half-up to the cent once.
 * The floor uses the CPM target, the ceiling the target raised by the leniency; a sheet pay range
 * and the campaign cap narrow them (the tighter bound wins, the ceiling always wins over the floor).
 */
export function computeBounds(input: BoundsInput): Bounds {
  assertWhole('views', input.views);
  assertWhole('CPM target', input.cpmTargetCents);
  assertWhole('leniency', input.leniencyBps);
  if (input.deliverables.length === 0) throw new RangeError('no deliverables to price');

  const reasons: string[] = [];
  let weighted = 0n; // Σ multiplierBps × quantity
  for (const d of input.deliverables) {
    assertWhole(`quantity of ${d.type}`, d.quantity);
    const bps = input.multipliersBps[d.type];
    weighted += BigInt(bps) * BigInt(d.quantity);
    reasons.push(
      `${d.quantity} × ${d.type} at multiplier ${(bps / 10_000).toString()} (rate card)`,
    );
  }
  const views = BigInt(input.views);
  const cpm = BigInt(input.cpmTargetCents);
  // cents = views/1000 × cpm × weighted/10_000
  let floor = divHalfUp(views * cpm * weighted, 10_000_000n);
  let ceiling = divHalfUp(
    views * cpm * weighted * BigInt(10_000 + input.leniencyBps),
    100_000_000_000n,
  );
  const ceilingCpm = divHalfUp(cpm * BigInt(10_000 + input.leniencyBps), 10_000n);
  reasons.push(
    `floor ${formatCents(Number(floor))} = ${input.views.toLocaleString('en-US')} views at CPM target ${formatCents(input.cpmTargetCents)}`,
    `ceiling ${formatCents(Number(ceiling))} = CPM ${formatCents(Number(ceilingCpm))} (target + ${formatBps(input.leniencyBps)} leniency)`,
  );

  const { minCents, maxCents } = input.payRange ?? {};
  if (maxCents !== undefined && BigInt(maxCents) < ceiling) {
    ceiling = BigInt(maxCents);
    reasons.push(`ceiling lowered to the sheet's pay range maximum ${formatCents(maxCents)}`);
  }
  if (input.maxCostCents !== undefined && BigInt(input.maxCostCents) < ceiling) {
    ceiling = BigInt(input.maxCostCents);
    reasons.push(
      `ceiling lowered to the campaign's cap without approval ${formatCents(input.maxCostCents)}`,
    );
  }
  if (minCents !== undefined && BigInt(minCents) > floor) {
    floor = BigInt(minCents);
    reasons.push(`floor raised to the sheet's pay range minimum ${formatCents(minCents)}`);
  }
  if (floor > ceiling) {
    floor = ceiling;
    reasons.push(
      `floor lowered to the ceiling ${formatCents(Number(ceiling))}: the ranges conflict`,
    );
  }
  return { floorCents: Number(floor), ceilingCents: Number(ceiling), reasons };
}

/** Rounds n/d half-up for non-negative integers. */
export function divHalfUp(n: bigint, d: bigint): bigint {
  return (n * 2n + d) / (2n * d);
}

function assertWhole(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative whole number, got ${value}`);
  }
}
