export { type Bounds, type BoundsInput, computeBounds } from './bounds.js';
export {
  type DecisionInput,
  decide,
  type EscalationReason,
  type PricingDecision,
} from './decide.js';
export * from './deliverables.js';
export { type Bps, formatBps, type RateCard, toBps } from './rate-card.js';
