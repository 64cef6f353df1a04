/** The decision a draft is checked against, and the gate's verdict: the gate's public vocabulary. */
import type { Cents } from '../money.js';
import type { Deliverable } from '../pricing/deliverables.js';
import type { CommitmentKind } from './commitments.js';
import type { InternalNumbers } from './internal-numbers.js';

export const DRAFT_PURPOSES = [
  'opening',
  'counter',
  'agreement',
  'follow_up',
  'decline',
  'holding',
  'answer',
] as const;
export type DraftPurpose = (typeof DRAFT_PURPOSES)[number];

export const GATE_RULES = [
  'empty',
  'length',
  'placeholder',
  'other_currency',
  'amount_not_allowed',
  'internal_number',
  'missing_offer',
  'payment_terms_missing',
  'commitment',
  'deliverables_missing',
  'deliverables_mismatch',
] as const;
export type GateRule = (typeof GATE_RULES)[number];

export interface GateFailure {
  rule: GateRule;
  detail: string;
}

export interface GateResult {
  passed: boolean;
  failures: GateFailure[];
}

export interface Draft {
  subject?: string;
  body: string;
}

export interface GateDecision {
  purpose: DraftPurpose;
  /** Our offer (the agreed amount for an agreement); required for opening, counter, agreement. */
  offerCents?: Cents;
  /** Their ask: quoting it back is allowed. */
  askCents?: Cents;
  /** Other amounts the strategy allows, e.g. our previous offer or a per-deliverable split. */
  alsoAllowedCents?: readonly Cents[];
  /** CPM rates (cents per 1,000 views) the strategy chose to share; none by default. */
  allowedCpmCents?: readonly Cents[];
  /** Named in opening, counter and agreement drafts. */
  deliverables?: readonly Deliverable[];
  /** Commitments the campaign grants, e.g. usage rights; payment terms are allowed when given. */
  allowedCommitments?: readonly CommitmentKind[];
  /** e.g. "net 30": an agreement must name them. */
  paymentTerms?: string;
  /** Bounds that must never appear; leave a bound out when the strategy chose to share it. */
  internal?: InternalNumbers;
  /** Body length in characters, trimmed. */
  length?: { min: number; max: number };
}

export const DEFAULT_LENGTH = { min: 40, max: 1500 } as const;
export const MAX_SUBJECT_LENGTH = 150;
