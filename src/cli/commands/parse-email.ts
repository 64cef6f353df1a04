/** `negotiator parse-email FILE.eml`: what the agent reads from one message, for debugging. */
import { readFileSync, statSync } from 'node:fs';
import {
  type EmailAddress,
  formatAddress,
  MAX_RAW_BYTES,
  type ParsedEmail,
  parseEmail,
} from '../../domain/email/index.js';
import { type Command, CommandError, parseOptions } from '../command.js';

const USAGE = `Usage: negotiator parse-email FILE.eml [--json]

  Parses one raw email (RFC 5322, as saved by a mail client or fetched from Gmail with
  format=raw) and prints from, to, cc, subject, message_id, in_reply_to, references and
  latest_reply — the sender's newest words, without quoted history or signature.

  --json    print one JSON object with those snake_case keys`;

export const runParseEmail: Command = {
  name: 'parse-email',
  summary: "show how the agent reads an email file: addresses, ids and the sender's latest reply",
  usage: USAGE,
  async run(args, io) {
    const parsed = parseOptions(args, { json: { type: 'boolean', default: false } }, true);
    const [file, ...extra] = parsed.positionals;
    if (file === undefined) throw new CommandError('expected one FILE.eml argument');
    if (extra.length > 0)
      throw new CommandError(`expected one file, got ${parsed.positionals.length}`);
    const email = parseEmail(readMessage(file));
    io.stdout.write(
      parsed.values.json ? `${JSON.stringify(toJson(email), null, 2)}\n` : toText(email),
    );
    return 0;
  },
};

function readMessage(file: string): Buffer {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new CommandError(`${file} is a directory, not an email file`);
    if (stat.size > MAX_RAW_BYTES) {
      throw new CommandError(`${file} is ${stat.size} bytes, over the ${MAX_RAW_BYTES}-byte limit`);
    }
    return readFileSync(file);
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new CommandError(`cannot read ${file}: ${reason ?? (error as Error).message}`);
  }
}

function toJson(email: ParsedEmail) {
  return {
    from: email.from,
    to: email.to,
    cc: email.cc,
    subject: email.subject,
    message_id: email.messageId,
    in_reply_to: email.inReplyTo,
    references: email.references,
    latest_reply: email.latestReply,
  };
}

function toText(email: ParsedEmail): string {
  const addresses = (list: EmailAddress[]) => list.map(formatAddress).join(', ') || '-';
  const lines = [
    `from:         ${email.from ? formatAddress(email.from) : '-'}`,
    `to:           ${addresses(email.to)}`,
    `cc:           ${addresses(email.cc)}`,
    `subject:      ${email.subject || '-'}`,
    `message_id:   ${email.messageId ?? '-'}`,
    `in_reply_to:  ${email.inReplyTo ?? '-'}`,
    `references:   ${email.references.join(' ') || '-'}`,
    'latest_reply:',
    ...(email.latestReply === '' ? ['  (empty)'] : email.latestReply.split('\n').map(indent)),
  ];
  if (email.problems.length > 0) {
    lines.push('problems:', ...email.problems.map((p) => `  - ${p}`));
  }
  return `${lines.join('\n')}\n`;
}

function indent(line: string): string {
  return line === '' ? '' : `  ${line}`;
}
