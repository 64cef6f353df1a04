/**
 * One Markdown file per demo negotiation: the emails both ways, the Slack messages the agent
 * posted, and the negotiation's transition log as the service recorded it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress, Transition } from './observe.js';
import { slackKind } from './observe.js';

const fence = (text: string) => `\`\`\`text\n${text.replace(/```/g, "'''").trimEnd()}\n\`\`\``;

function transcript(row: Progress, transitions: Transition[]): string {
  const emails = row.thread.map((m) =>
    [
      `### ${m.labelIds.includes('SENT') ? '→' : '←'} ${m.from ?? '?'} — ${m.date}`,
      '',
      `To: ${m.to ?? ''}${m.cc ? `  Cc: ${m.cc}` : ''}  `,
      `Subject: ${m.subject ?? ''}`,
      '',
      fence(m.text),
    ].join('\n'),
  );
  const slack = row.slack.map((m) =>
    [
      `### ${slackKind(m) ?? 'message'} (ts ${m.ts}${m.thread_ts && m.thread_ts !== m.ts ? `, in thread ${m.thread_ts}` : ''})`,
      '',
      fence(m.text),
    ].join('\n'),
  );
  const log = transitions.map(
    (t) =>
      `| ${t.seq} | ${new Date(t.at).toISOString()} | ${t.event} | ${t.from} → ${t.to} | ${(t.note ?? '').replace(/\|/g, '\\|')} |`,
  );
  return [
    `# ${row.name} — ${row.role.personaId} (${row.role.story})`,
    '',
    `Negotiation \`${row.negotiationId ?? 'never opened'}\`, Gmail thread \`${row.threadId}\`: ended **${row.state}** (expected ${row.role.expected}).`,
    '',
    `## Emails (${row.thread.length})`,
    '',
    ...emails.flatMap((e) => [e, '']),
    `## Slack (${row.slack.length})`,
    '',
    ...slack.flatMap((s) => [s, '']),
    `## Transitions (${transitions.length})`,
    '',
    '| seq | at | event | states | note |',
    '| --- | --- | --- | --- | --- |',
    ...log,
    '',
  ].join('\n');
}

/** Writes the transcripts; returns their paths. */
export function writeTranscripts(deps: {
  outDir: string;
  rows: Progress[];
  transitions: (negotiationId: string) => Transition[];
}): string[] {
  return deps.rows.map((row) => {
    const file = join(deps.outDir, `${row.role.personaId}.md`);
    const log = row.negotiationId ? deps.transitions(row.negotiationId) : [];
    writeFileSync(file, transcript(row, log));
    return file;
  });
}
