/**
 * Everything a Slack message or a draft needs to know about one negotiation, in one read: the
 * influencer, the campaign (its deliverables for the influencer's platform), the terms and
 * progress kept in the persisted snapshot, the thread's emails, and the last draft that failed
 * the gate. `composeFacts` shapes it for the writer (src/llm/compose.ts).
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { DELIVERABLE_TYPES, type Deliverable, platformOf } from '../domain/pricing/deliverables.js';
import type { NegotiationFacts } from '../llm/compose.js';

export interface ConversationEmail {
  direction: 'in' | 'out';
  from: string;
  at: number;
  /** The newest words of an inbound email (quotes and signature removed), else the whole body. */
  text: string;
}

export interface NegotiationFactsResult {
  id: string;
  state: string;
  influencer: {
    email: string;
    name: string | null;
    handle: string | null;
    platform: string;
    averageViews: number | null;
  };
  campaign: {
    id: string;
    client: string;
    name: string | null;
    /** Only those of the influencer's platform. */
    deliverables: Deliverable[];
    cpmTargetCents: number;
    paymentTerms: string | null;
    usageRights: string | null;
    productOffer: string | null;
  } | null;
  terms: {
    floorCents: number;
    ceilingCents: number;
    maxRounds: number;
    round: number;
    lastOfferCents: number | null;
    askCents: number | null;
    agreedCents: number | null;
  };
  threadId: string | null;
  /** The subject of the thread's first email. */
  subject: string | null;
  conversation: ConversationEmail[];
  /** A draft that failed the gate, from the newest `composeEmail` effect (null when it passed). */
  failedDraft: { key: string; subject: string; body: string } | null;
}

type Row = {
  id: string;
  state: string;
  email: string;
  name: string | null;
  handle: string | null;
  platform: string;
  averageViews: number | null;
  threadId: string | null;
  snapshotJson: string;
  campaignId: string | null;
  client: string | null;
  campaignName: string | null;
  deliverablesJson: string | null;
  cpmTargetCents: number | null;
  paymentTerms: string | null;
  usageRights: string | null;
  productOffer: string | null;
};

const cents = z.int().min(0);
/** Only what is read here, leniently: the snapshot's own schema is the machine's business. */
const snapshotSchema = z.looseObject({
  context: z.looseObject({
    terms: z.looseObject({ floorCents: cents, ceilingCents: cents, maxRounds: z.int() }),
    round: z.int(),
    lastOfferCents: cents.nullable(),
    askCents: cents.nullable(),
    agreedCents: cents.nullable(),
  }),
});
const deliverablesSchema = z.array(
  z.looseObject({ type: z.enum(DELIVERABLE_TYPES), quantity: z.int().positive() }),
);
const composeResultSchema = z.looseObject({
  draft: z.looseObject({ subject: z.string(), body: z.string() }).nullable().optional(),
});

export function createNegotiationFacts(sqlite: Database.Database) {
  const selectNegotiation = sqlite.prepare(`select n.id, n.state, n.influencer_email as email,
    n.influencer_name as name, n.influencer_handle as handle, n.platform,
    n.average_views as averageViews, n.thread_id as threadId, n.snapshot_json as snapshotJson,
    c.id as campaignId, c.client, c.name as campaignName, c.deliverables_json as deliverablesJson,
    c.cpm_target_cents as cpmTargetCents, c.payment_terms as paymentTerms,
    c.usage_rights as usageRights, c.product_offer as productOffer
    from negotiations n left join campaigns c on c.id = n.campaign_id where n.id = ?`);
  const selectEmails = sqlite.prepare(`select direction, from_addr as "from", at,
    coalesce(latest_reply, body_text) as text from emails where negotiation_id = ? order by at, id`);
  const selectSubject = sqlite.prepare(`select subject from emails where thread_id = ?
    order by at, id limit 1`);
  const selectCompose = sqlite.prepare(`select key, result_json as resultJson from outbox
    where negotiation_id = ? and kind = 'composeEmail' order by id desc limit 1`);

  function failedDraft(id: string): NegotiationFactsResult['failedDraft'] {
    const row = selectCompose.get(id) as { key: string; resultJson: string | null } | undefined;
    if (!row?.resultJson) return null;
    const parsed = composeResultSchema.safeParse(safeJson(row.resultJson));
    const draft = parsed.success ? parsed.data.draft : null;
    return draft ? { key: row.key, subject: draft.subject, body: draft.body } : null;
  }

  /** Null for an unknown negotiation, or one whose snapshot cannot be read. */
  return function load(negotiationId: string): NegotiationFactsResult | null {
    const row = selectNegotiation.get(negotiationId) as Row | undefined;
    if (!row) return null;
    const snapshot = snapshotSchema.safeParse(safeJson(row.snapshotJson));
    if (!snapshot.success) return null;
    const { context } = snapshot.data;
    const subject = row.threadId
      ? ((selectSubject.get(row.threadId) as { subject: string } | undefined)?.subject ?? null)
      : null;
    return {
      id: row.id,
      state: row.state,
      influencer: {
        email: row.email,
        name: row.name,
        handle: row.handle,
        platform: row.platform,
        averageViews: row.averageViews,
      },
      campaign: campaignOf(row),
      terms: {
        floorCents: context.terms.floorCents,
        ceilingCents: context.terms.ceilingCents,
        maxRounds: context.terms.maxRounds,
        round: context.round,
        lastOfferCents: context.lastOfferCents,
        askCents: context.askCents,
        agreedCents: context.agreedCents,
      },
      threadId: row.threadId,
      subject,
      conversation: selectEmails.all(negotiationId) as ConversationEmail[],
      failedDraft: failedDraft(negotiationId),
    };
  };
}

/** One-off read (tools, tests); services keep the prepared statements of `createNegotiationFacts`. */
export function loadNegotiationFacts(
  sqlite: Database.Database,
  negotiationId: string,
): NegotiationFactsResult | null {
  return createNegotiationFacts(sqlite)(negotiationId);
}

function campaignOf(row: Row): NegotiationFactsResult['campaign'] {
  if (row.campaignId === null || row.client === null || row.cpmTargetCents === null) return null;
  const all = deliverablesSchema.safeParse(safeJson(row.deliverablesJson ?? '[]'));
  const deliverables: Deliverable[] = (all.success ? all.data : [])
    .filter((d) => platformOf(d.type) === row.platform)
    .map((d) => ({ type: d.type, quantity: d.quantity }));
  return {
    id: row.campaignId,
    client: row.client,
    name: row.campaignName,
    deliverables,
    cpmTargetCents: row.cpmTargetCents,
    paymentTerms: row.paymentTerms,
    usageRights: row.usageRights,
    productOffer: row.productOffer,
  };
}

/** The writer's view of the same facts. */
export function composeFacts(facts: NegotiationFactsResult): NegotiationFacts {
  const { campaign } = facts;
  return {
    influencer: {
      name: facts.influencer.name,
      handle: facts.influencer.handle,
      platform: facts.influencer.platform,
    },
    deliverables: campaign?.deliverables ?? [],
    paymentTerms: campaign?.paymentTerms ?? null,
    usageRights: campaign?.usageRights ?? null,
    productOffer: campaign?.productOffer ?? null,
    floorCents: facts.terms.floorCents,
    ceilingCents: facts.terms.ceilingCents,
    subject: facts.subject ?? `${campaign?.client ?? 'Paid'} collaboration`,
    conversation: facts.conversation.map((email) => ({
      from: email.direction === 'in' ? 'influencer' : 'team',
      at: new Date(email.at).toISOString(),
      text: email.text,
    })),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
