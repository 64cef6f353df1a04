export { type AmountMention, extractAmounts } from './amounts.js';
export { checkDraft } from './check-draft.js';
export {
  COMMITMENT_KINDS,
  type CommitmentKind,
  type CommitmentMention,
  findCommitments,
} from './commitments.js';
export {
  DEFAULT_LENGTH,
  DRAFT_PURPOSES,
  type Draft,
  type DraftPurpose,
  GATE_RULES,
  type GateDecision,
  type GateFailure,
  type GateResult,
  type GateRule,
  MAX_SUBJECT_LENGTH,
} from './decision.js';
export type { InternalNumbers } from './internal-numbers.js';
