/**
 * Whether a demo negotiation has finished, and whether it finished right: the expected state,
 * exactly one agreement alert for a deal (none otherwise), no email sent twice, nothing left
 * undone.
 */
import { cpmCents } from '../slack/blocks/describe.js';
import { type Outcome, TERMINAL_STATES } from './cast.js';
import { type Progress, slackKind } from './observe.js';

export interface Verdict {
  personaId: string;
  story: string;
  influencer: string;
  expected: Outcome;
  outcome: string;
  rounds: number;
  agreedCents: number | null;
  /** Per 1,000 average views, as the agreement alert shows it: the agreed rate, floor, ceiling. */
  cpmCents: number | null;
  floorCpmCents: number | null;
  ceilingCpmCents: number | null;
  slackMessages: number;
  agreementAlerts: number;
  emailsSent: number;
  followUps: number;
  ok: boolean;
  problems: string[];
}

const count = (row: Progress, kind: string) =>
  row.slack.filter((m) => slackKind(m) === kind).length;

/** Settled: ended as expected with its messages out, or stuck in a state it cannot leave. */
function settled(row: Progress): boolean {
  const { role } = row;
  if (TERMINAL_STATES.has(row.state) && row.state !== role.expected) return true;
  if (row.state !== role.expected || row.pendingEffects > 0) return false;
  if ((role.via ?? []).some((state) => !row.visited.includes(state))) return false;
  if (role.expected === 'agreed') return count(row, 'postAgreement') > 0;
  if (role.expected === 'escalated') return count(row, 'postEscalation') > 0;
  return row.followUps >= (role.followUps ?? 0);
}

function problemsOf(row: Progress): string[] {
  const { role } = row;
  const problems: string[] = [];
  if (row.state !== role.expected) problems.push(`ended ${row.state}, expected ${role.expected}`);
  for (const state of role.via ?? [])
    if (!row.visited.includes(state)) problems.push(`never went through ${state}`);
  const alerts = count(row, 'postAgreement');
  const wanted = role.expected === 'agreed' ? 1 : 0;
  if (alerts !== wanted) problems.push(`${alerts} agreement alerts, expected ${wanted}`);
  if (role.expected === 'escalated' && count(row, 'postEscalation') === 0)
    problems.push('escalated without an escalation message');
  if (role.followUps !== undefined && row.followUps !== role.followUps)
    problems.push(`${row.followUps} follow-ups, expected ${role.followUps}`);
  // An email sent twice shows as more messages in the mailbox than send effects performed.
  const ids = new Set(row.sent.map((m) => m.messageId));
  if (ids.size !== row.sent.length) problems.push('two sent emails share a Message-ID');
  if (row.sent.length !== row.emailEffects)
    problems.push(
      `${row.sent.length} emails in the mailbox for ${row.emailEffects} performed send effects`,
    );
  if (row.pendingEffects > 0) problems.push(`${row.pendingEffects} effects still pending`);
  return problems;
}

export function judge(row: Progress): { settled: boolean; verdict: Verdict } {
  const problems = problemsOf(row);
  const views = row.averageViews;
  return {
    settled: settled(row),
    verdict: {
      personaId: row.role.personaId,
      story: row.role.story,
      influencer: row.name,
      expected: row.role.expected,
      outcome: row.state,
      rounds: row.round,
      agreedCents: row.agreedCents,
      cpmCents: cpmCents(row.agreedCents, views),
      floorCpmCents: cpmCents(row.floorCents, views),
      ceilingCpmCents: cpmCents(row.ceilingCents, views),
      slackMessages: row.slack.length,
      agreementAlerts: count(row, 'postAgreement'),
      emailsSent: row.sent.length,
      followUps: row.followUps,
      ok: problems.length === 0,
      problems,
    },
  };
}
