import type { DeliverableType } from './deliverables.js';

/** Basis points: 10,000 = 100 %. Multipliers and percentages are kept as integers. */
export type Bps = number;

/** The validated contents of config/rate-card.yaml, in integer units. */
export interface RateCard {
  /** CPM multiplier per deliverable type, in basis points (a reel at 1.2 = 12,000). */
  multipliersBps: Record<DeliverableType, Bps>;
  /** Share of the floor-to-ceiling gap offered at each round, in basis points, non-decreasing. */
  concessionScheduleBps: Bps[];
  defaults: {
    cpmTargetCents: number;
    leniencyBps: Bps;
    maxRounds: number;
  };
}

/** Converts a decimal like 1.25 or "12.5" to basis points exactly, or null (max 2 decimals of %). */
export function toBps(value: number, unit: 'ratio' | 'percent'): Bps | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const bps = unit === 'ratio' ? value * 10_000 : value * 100;
  const rounded = Math.round(bps);
  return Math.abs(bps - rounded) < 1e-6 ? rounded : null;
}

export function formatBps(bps: Bps): string {
  return `${Number((bps / 100).toFixed(2))}%`;
}
