/**
 * The credential report: every problem found, each saying what is wrong and how to fix it, plus
 * what was checked and passed. Rendered as text for people and as JSON for tools; both are
 * scrubbed of every secret value the checks handled, so a report can be pasted anywhere.
 */

export interface CredentialProblem {
  /** The credential or setting, in an operator's words ("Slack bot token (SLACK_BOT_TOKEN)"). */
  what: string;
  problem: string;
  fix: string;
  /**
   * A live check could not reach the service (network, timeout, 5xx, rate limit): the credential
   * may be fine. Startup warns about these instead of refusing to start.
   */
  transient?: true;
}

export interface CredentialPass {
  what: string;
  detail: string;
}

export interface CredentialReport {
  ok: boolean;
  /** Whether the services were called (`--live`) or only the configuration was read. */
  live: boolean;
  problems: CredentialProblem[];
  passed: CredentialPass[];
  /** Things not checked, and why (e.g. no INFLUENCER_SHEET_ID to read). */
  notes: string[];
}

/** The EX_CONFIG exit status of sysexits.h: the configuration is wrong. */
export const CONFIG_EXIT_CODE = 78;

/** Replaces every occurrence of a secret value; short values are skipped (they would match words). */
export function scrubSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 6) continue;
    out = out.split(secret).join('[redacted]');
  }
  return out;
}

export function scrubReport(
  report: CredentialReport,
  secrets: Iterable<string | undefined>,
): CredentialReport {
  const list = [...secrets];
  const s = (text: string) => scrubSecrets(text, list);
  return {
    ...report,
    problems: report.problems.map((p) => ({
      ...p,
      what: s(p.what),
      problem: s(p.problem),
      fix: s(p.fix),
    })),
    passed: report.passed.map((p) => ({ what: s(p.what), detail: s(p.detail) })),
    notes: report.notes.map(s),
  };
}

/** Plain text for a terminal or a container log: problems first, then what passed. */
export function formatReport(report: CredentialReport): string {
  const lines: string[] = [];
  const blocking = report.problems.filter((p) => !p.transient).length;
  const transient = report.problems.length - blocking;
  const mode = report.live ? 'configuration and live checks' : 'configuration only';
  if (report.problems.length === 0) lines.push(`all good (${mode})`);
  else
    lines.push(
      `${count(blocking, 'problem')} to fix${transient ? `, ${count(transient, 'service')} unreachable` : ''} (${mode})`,
    );
  for (const p of report.problems) {
    lines.push('', `  ✗ ${p.what}${p.transient ? ' (could not check)' : ''}`);
    lines.push(`      problem: ${p.problem}`, `      fix:     ${p.fix}`);
  }
  if (report.passed.length > 0) lines.push('');
  for (const p of report.passed) lines.push(`  ✓ ${p.what}: ${p.detail}`);
  if (report.notes.length > 0) lines.push('');
  for (const note of report.notes) lines.push(`  - ${note}`);
  return `${lines.join('\n')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
