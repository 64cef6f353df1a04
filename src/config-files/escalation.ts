import { join } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';
import { toBps } from '../domain/pricing/rate-card.js';
import { loadYamlFile } from './load-yaml.js';

const toggle = z.strictObject({ enabled: z.boolean() });

const schema = z.strictObject({
  over_ceiling: z.strictObject({
    enabled: z.boolean(),
    margin_percent: z
      .number()
      .min(0)
      .max(1000)
      .refine((v) => toBps(v, 'percent') !== null, 'at most 2 decimal places'),
  }),
  ambiguous_intent: z.strictObject({
    enabled: z.boolean(),
    min_confidence: z.number().gt(0).max(1),
  }),
  hostile_tone: toggle,
  legal_language: toggle,
  unusual_deliverables: toggle,
  validation_failure: z.strictObject({ recompose_attempts: z.int().min(0).max(3) }),
  model_unavailable: z.strictObject({
    enabled: z.boolean(),
    consecutive_failures: z.int().min(1).max(100),
    max_wait: z
      .string()
      .refine((v) => (parseDuration(v) ?? 0) >= 60_000, 'a duration of at least 1m, such as 2h'),
  }),
});

/**
 * When the agent hands a negotiation to people (HUMAN-02). Triggers that have no safe alternative
 * — rounds exhausted, a draft that fails the gate after re-composing, an effect that cannot be
 * done — always escalate and are not switchable.
 */
export interface EscalationPolicy {
  /** Escalate at once when the ask exceeds the ceiling by more than this; null = keep countering. */
  overCeilingMarginBps: number | null;
  /** Below this classification confidence the reply is ambiguous; null = never escalate for it. */
  minConfidence: number | null;
  hostileTone: boolean;
  legalLanguage: boolean;
  unusualDeliverables: boolean;
  recomposeAttempts: number;
  /** Transport failures in a row that open the model's circuit; negotiations then wait for it. */
  modelFailuresToOpen: number;
  /** How long a negotiation waits for the model before going to people; null = wait for ever. */
  modelMaxWaitMs: number | null;
}

/** Loads and validates `config/escalation.yaml`. */
export function loadEscalationPolicy(configDir: string): EscalationPolicy {
  const raw = loadYamlFile(join(configDir, 'escalation.yaml'), schema);
  return {
    overCeilingMarginBps: raw.over_ceiling.enabled
      ? (toBps(raw.over_ceiling.margin_percent, 'percent') ?? 0)
      : null,
    minConfidence: raw.ambiguous_intent.enabled ? raw.ambiguous_intent.min_confidence : null,
    hostileTone: raw.hostile_tone.enabled,
    legalLanguage: raw.legal_language.enabled,
    unusualDeliverables: raw.unusual_deliverables.enabled,
    recomposeAttempts: raw.validation_failure.recompose_attempts,
    modelFailuresToOpen: raw.model_unavailable.consecutive_failures,
    modelMaxWaitMs: raw.model_unavailable.enabled
      ? (parseDuration(raw.model_unavailable.max_wait) ?? null)
      : null,
  };
}
