/**
 * The reads the Slack listeners make, over the service's SQLite database: negotiation search,
 * the draft held, decisions already recorded, the gate for edited text and the audit trail.
 */
import type Database from 'better-sqlite3';
import { queryAudit } from '../../db/audit-queries.js';
import { createNegotiationFacts } from '../../db/negotiation-facts.js';
import { currentDraft, recordedDecision, searchNegotiations } from '../../db/negotiation-search.js';
import type { InteractionDeps } from './deps.js';
import { createCheckEdited } from './edited-gate.js';

export function createInteractionReads(
  sqlite: Database.Database,
): Pick<InteractionDeps, 'lookup' | 'checkEdited' | 'audit'> {
  return {
    lookup: {
      find: (query, options) => searchNegotiations(sqlite, query, options),
      draft: (negotiationId) => currentDraft(sqlite, negotiationId),
      decision: (negotiationId, dedupeKey) => recordedDecision(sqlite, negotiationId, dedupeKey),
    },
    checkEdited: createCheckEdited(createNegotiationFacts(sqlite)),
    audit: (filter) => queryAudit(sqlite, filter),
  };
}
