/**
 * Who plays in `negotiator demo`, and what each negotiation must end as. The personas are the
 * sandbox's scripted influencers (src/sandbox/personas/catalog.ts); the numbers there are set
 * against the shipped campaign and rate card so that each one walks the agent down its path.
 */
import type { PersonaId } from '../sandbox/personas/index.js';

export type Outcome = 'agreed' | 'escalated' | 'stale';

export interface Role {
  personaId: PersonaId;
  /** What the demo shows with this persona, in a few words. */
  story: string;
  /** The state the negotiation must end in. */
  expected: Outcome;
  /** States it must pass through on the way (the firm persona is escalated before the deal). */
  via?: readonly string[];
  /** Follow-up emails it must receive (the ghost gets exactly one before it goes stale). */
  followUps?: number;
  /** A person approves the persona's own price when the agent escalates it. */
  approveAsk?: boolean;
}

export const CAST: readonly Role[] = [
  { personaId: 'accepts-first', story: 'accepts the first offer', expected: 'agreed' },
  { personaId: 'haggler', story: 'haggles into range', expected: 'agreed' },
  {
    personaId: 'firm',
    story: 'firm above the ceiling: escalated, a person approves',
    expected: 'agreed',
    via: ['escalated'],
    approveAsk: true,
  },
  { personaId: 'hostile', story: 'hostile: handed to people', expected: 'escalated' },
  { personaId: 'question-first', story: 'asks about the terms first', expected: 'agreed' },
  {
    personaId: 'ghost',
    story: 'goes quiet: one follow-up, then stale',
    expected: 'stale',
    followUps: 1,
  },
  { personaId: 'talent-manager', story: 'a manager answers for the creator', expected: 'agreed' },
];

/** States a negotiation does not leave on its own: reaching one that is not expected is a failure. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'agreed',
  'rejected',
  'stopped',
  'stale',
]);
