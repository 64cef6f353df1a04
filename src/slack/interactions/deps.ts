/**
 * What the Slack listeners need from the rest of the service, injected by the composition root:
 * the runtime's dispatch, reads of negotiations, the validation gate for edited text, the audit
 * query, a clock and a logger. Listeners reach nothing else.
 */
import type { DraftPurpose, NegotiationEvent } from '../../../machines/negotiation/index.js';
import type { AuditFilter, AuditRow } from '../../db/audit-queries.js';
import type {
  NegotiationMatch,
  RecordedDecision,
  SearchOptions,
  StoredDraft,
} from '../../db/negotiation-search.js';
import type { Logger } from '../../observability/logger.js';
import type { DispatchResult } from '../../runtime/registry.js';

/** The runtime's `registry.dispatch`; throws DispatchError when the commit failed. */
export type Dispatch = (
  negotiationId: string,
  event: NegotiationEvent,
  options: { dedupeKey: string; requestId?: string },
) => DispatchResult;

export interface InteractionLookup {
  /** Negotiations whose influencer (email, handle, name) or id matches, best match first. */
  find(query: string, options: SearchOptions): NegotiationMatch[];
  /** The draft the negotiation holds now, or null. */
  draft(negotiationId: string): StoredDraft | null;
  /** The decision already recorded under `dedupeKey` for the negotiation, or null. */
  decision(negotiationId: string, dedupeKey: string): RecordedDecision | null;
}

/** Text a person wrote or edited in Slack, before it may go out. */
export interface EditedText {
  /** What the email is for: the reviewed draft's purpose, or `human` for a person's own email. */
  purpose: DraftPurpose;
  subject: string;
  body: string;
  /** The amount the email offers: the reviewed draft's offer, or the amount the person stated. */
  offerCents: number | null;
}

export interface GateVerdict {
  passed: boolean;
  failures: Array<{ rule: string; detail: string }>;
}

/** The validation gate applied to edited text (the same checks as the agent's own drafts). */
export type CheckEdited = (
  negotiationId: string,
  text: EditedText,
) => GateVerdict | Promise<GateVerdict>;

/** Where a failed listener is reported besides the log (Sentry joins here). */
export type ListenerErrorHook = (
  error: unknown,
  context: { action: string; negotiationId?: string; user?: string },
) => void;

export interface InteractionDeps {
  /** The channel the agent posts in; with no allowed users, only actions from it count. */
  channel: string;
  /** Slack user ids allowed to act anywhere; empty = anyone in `channel`. */
  allowedUsers: readonly string[];
  dispatch: Dispatch;
  lookup: InteractionLookup;
  checkEdited: CheckEdited;
  audit: (filter: AuditFilter) => AuditRow[];
  clock: { now(): number };
  logger: Logger;
  /** The Gmail mailbox the threads are in, for links in answers. */
  mailbox?: string;
  onListenerError?: ListenerErrorHook;
}
