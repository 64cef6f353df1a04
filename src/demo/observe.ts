/**
 * What the demo sees of each negotiation, read the way an operator could: the service's own
 * database (opened read-only, beside the running service), the mailbox and the Slack channel of
 * the sandbox. Nothing here changes anything.
 */
import Database from 'better-sqlite3';
import { createNegotiationFacts } from '../db/negotiation-facts.js';
import { describeEmail } from '../sandbox/control.js';
import type { Sandbox } from '../sandbox/index.js';
import type { SlackMessage } from '../sandbox/slack/workspace.js';
import type { Role } from './cast.js';

export type Email = ReturnType<typeof describeEmail>;

export interface Progress {
  role: Role;
  name: string;
  threadId: string;
  negotiationId: string | null;
  /** `starting` until the service has opened the negotiation. */
  state: string;
  round: number;
  lastOfferCents: number | null;
  askCents: number | null;
  agreedCents: number | null;
  floorCents: number | null;
  ceilingCents: number | null;
  averageViews: number | null;
  /** Every state entered, in order (repeats kept). */
  visited: string[];
  /** Messages the agent posted about this negotiation (top level and in its thread). */
  slack: SlackMessage[];
  /** The agent's emails in the thread, oldest first (the team's outreach left out). */
  sent: Email[];
  /** Both directions, oldest first. */
  thread: Email[];
  /** Email effects the service performed (sendEmail and holding replies), and the follow-ups. */
  emailEffects: number;
  followUps: number;
  /** Effects declared and not yet performed. */
  pendingEffects: number;
}

export interface Transition {
  seq: number;
  at: number;
  event: string;
  from: string;
  to: string;
  note: string | null;
  requestId: string | null;
}

/** The Slack message kind an effect posted (`postAgreement`, `postEscalation`, …). */
export const slackKind = (m: SlackMessage): string | null => {
  const kind = m.metadata?.event_payload.kind;
  return typeof kind === 'string' ? kind : null;
};

function openReader(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return {
    db,
    facts: createNegotiationFacts(db),
    negotiation: db.prepare('select id from negotiations where thread_id = ?'),
    transitions: db.prepare(`select seq, at, event_type as event, from_state as "from",
      to_state as "to", note, request_id as requestId from transitions
      where negotiation_id = ? order by seq`),
    counts: db.prepare(`select
      sum(status in ('pending', 'in_flight')) as pending,
      sum(status = 'done' and kind in ('sendEmail', 'sendHoldingReply')) as emails,
      sum(status = 'done' and kind = 'sendEmail'
        and json_extract(payload_json, '$.purpose') = 'follow_up') as followUps
      from outbox where negotiation_id = ?`),
  };
}

export function createObserver(deps: {
  sandbox: Sandbox;
  databasePath: string;
  channel: string;
  /** The team's outreach per thread: written by the sandbox, not by the agent. */
  outreachIds: ReadonlySet<string>;
}) {
  const { sandbox } = deps;
  /** Opened on first use (the service creates the file), with its statements prepared once. */
  let reader: ReturnType<typeof openReader> | null = null;
  const open = () => {
    reader ??= openReader(deps.databasePath);
    return reader;
  };

  function transitions(negotiationId: string): Transition[] {
    return open().transitions.all(negotiationId) as Transition[];
  }

  function progress(role: Role, threadId: string, name: string): Progress {
    const thread = sandbox.google.mailbox.thread(threadId).map(describeEmail);
    const sent = thread.filter((m) => m.labelIds.includes('SENT') && !deps.outreachIds.has(m.id));
    const base: Progress = {
      role,
      name,
      threadId,
      negotiationId: null,
      state: 'starting',
      round: 0,
      lastOfferCents: null,
      askCents: null,
      agreedCents: null,
      floorCents: null,
      ceilingCents: null,
      averageViews: null,
      visited: [],
      slack: [],
      sent,
      thread,
      emailEffects: 0,
      followUps: 0,
      pendingEffects: 0,
    };
    const db = open();
    const id = (db.negotiation.get(threadId) as { id: string } | undefined)?.id;
    if (!id) return base;
    const facts = db.facts(id);
    const effects = db.counts.get(id) as {
      pending: number | null;
      emails: number | null;
      followUps: number | null;
    };
    return {
      ...base,
      negotiationId: id,
      state: facts?.state ?? 'unreadable',
      round: facts?.terms.round ?? 0,
      lastOfferCents: facts?.terms.lastOfferCents ?? null,
      askCents: facts?.terms.askCents ?? null,
      agreedCents: facts?.terms.agreedCents ?? null,
      floorCents: facts?.terms.floorCents ?? null,
      ceilingCents: facts?.terms.ceilingCents ?? null,
      averageViews: facts?.influencer.averageViews ?? null,
      visited: transitions(id)
        .filter((t) => t.from !== t.to)
        .map((t) => t.to),
      slack: sandbox.slack
        .messages(deps.channel)
        .filter((m) => m.metadata?.event_payload.negotiation_id === id),
      emailEffects: effects.emails ?? 0,
      followUps: effects.followUps ?? 0,
      pendingEffects: effects.pending ?? 0,
    };
  }

  return {
    progress,
    transitions: (negotiationId: string) => transitions(negotiationId),
    close(): void {
      reader?.db.close();
      reader = null;
    },
  };
}

export type Observer = ReturnType<typeof createObserver>;
