import { join } from 'node:path';
import { z } from 'zod';
import { DELIVERABLE_TYPES, type DeliverableType } from '../domain/pricing/deliverables.js';
import { type RateCard, toBps } from '../domain/pricing/rate-card.js';
import { loadYamlFile } from './load-yaml.js';

const ratio = z
  .number()
  .positive()
  .max(100)
  .refine((v) => toBps(v, 'ratio') !== null, 'at most 4 decimal places');
const percent = (max: number) =>
  z
    .number()
    .min(0)
    .max(max)
    .refine((v) => toBps(v, 'percent') !== null, 'at most 2 decimal places');

const schema = z.strictObject({
  defaults: z.strictObject({
    cpm_target_usd: z
      .number()
      .positive()
      .max(10_000)
      .refine(wholeCents, 'at most 2 decimal places'),
    leniency_percent: percent(1000),
    max_rounds: z.int().min(1).max(20),
  }),
  concession_schedule_percent: z
    .array(percent(100))
    .min(1)
    .refine((a) => a.every((v, i) => i === 0 || v >= (a[i - 1] ?? 0)), 'must never decrease')
    .refine((a) => a.at(-1) === 100, 'must end at 100 (the ceiling)'),
  multipliers: z.strictObject(
    Object.fromEntries(DELIVERABLE_TYPES.map((t) => [t, ratio])) as Record<
      DeliverableType,
      typeof ratio
    >,
  ),
});

/** Loads and validates `config/rate-card.yaml`. */
export function loadRateCard(configDir: string): RateCard {
  const file = join(configDir, 'rate-card.yaml');
  const raw = loadYamlFile(file, schema);
  return {
    multipliersBps: Object.fromEntries(
      DELIVERABLE_TYPES.map((t) => [t, toBps(raw.multipliers[t], 'ratio') ?? 0]),
    ) as Record<DeliverableType, number>,
    concessionScheduleBps: raw.concession_schedule_percent.map((p) => toBps(p, 'percent') ?? 0),
    defaults: {
      cpmTargetCents: Math.round(raw.defaults.cpm_target_usd * 100),
      leniencyBps: toBps(raw.defaults.leniency_percent, 'percent') ?? 0,
      maxRounds: raw.defaults.max_rounds,
    },
  };
}

function wholeCents(v: number): boolean {
  return Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;
}
