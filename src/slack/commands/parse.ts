/**
 * The `/negotiation` grammar. Text typed by a person is untrusted: it is normalised (Slack's
 * `<mailto:…|…>` links and `&amp;` escapes), split into a subcommand and its arguments, and
 * validated with zod; what does not fit becomes `unknown` or `invalid`, never a guess.
 *
 *   help
 *   status   <name | email | @handle | negotiation id>
 *   takeover <name | email | @handle | negotiation id>
 *   resume   <name | email | @handle | negotiation id>
 *   audit    [influencer:<name>] [campaign:<id>] [last:<duration, e.g. 7d>]   (quote values with spaces)
 */
import { z } from 'zod';
import { parseDuration } from '../../domain/duration.js';

const MAX_LAST_MS = 366 * 86_400_000;
export const DEFAULT_LAST = '7d';

export type NegotiationCommand =
  | { kind: 'help' }
  /** A first word that is no subcommand: answered with help. */
  | { kind: 'unknown'; word: string }
  /** A known subcommand with arguments that do not fit. */
  | { kind: 'invalid'; subcommand: string; problem: string }
  | { kind: 'status'; query: string }
  | { kind: 'takeover' | 'resume'; query: string }
  | {
      kind: 'audit';
      influencer: string | null;
      campaign: string | null;
      /** As typed, e.g. "7d". */
      last: string;
      lastMs: number;
    };

const SUBCOMMANDS = {
  help: 'help',
  status: 'status',
  takeover: 'takeover',
  'take-over': 'takeover',
  resume: 'resume',
  audit: 'audit',
} as const;

const querySchema = z
  .string()
  .trim()
  .min(1, 'name the negotiation: an influencer name, email, @handle or negotiation id')
  .max(200, 'that is longer than any name, email or id (200 characters at most)');

const filterValue = z.string().trim().min(1, 'a filter needs a value').max(200);
/** The same durations as `negotiator audit --since`: 30m, 24h, 7d, 1d12h. */
const lastSchema = z
  .string()
  .max(20)
  .transform((text) => parseDuration(text))
  .refine((ms) => ms !== null, 'last: takes a duration such as 24h or 7d')
  .refine((ms) => ms === null || ms >= 60_000, 'last: must be a minute or more')
  .refine((ms) => ms === null || ms <= MAX_LAST_MS, 'last: goes back one year at most')
  .transform((ms) => ms ?? 0);

const auditSchema = z.strictObject({
  influencer: filterValue.optional(),
  campaign: filterValue.optional(),
  last: z.string().optional(),
});

/** Slack's escaping of command text undone: links shown as their label, entities decoded. */
export function normaliseCommandText(text: string): string {
  return text
    .replace(/<mailto:[^|>]+\|([^>]+)>/g, '$1')
    .replace(/<mailto:([^|>]+)>/g, '$1')
    .replace(/<(?:https?:\/\/)[^|>]+\|([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const firstProblem = (error: z.ZodError) => error.issues[0]?.message ?? 'not understood';

export function parseNegotiationCommand(input: unknown): NegotiationCommand {
  const text = typeof input === 'string' ? normaliseCommandText(input.slice(0, 2000)) : '';
  if (text === '') return { kind: 'help' };
  const [word = '', ...rest] = text.split(' ');
  const subcommand = SUBCOMMANDS[word.toLowerCase() as keyof typeof SUBCOMMANDS];
  if (!subcommand) return { kind: 'unknown', word: word.slice(0, 50) };
  const args = rest.join(' ');
  switch (subcommand) {
    case 'help':
      return { kind: 'help' };
    case 'audit':
      return parseAudit(args);
    default: {
      const query = querySchema.safeParse(args);
      if (!query.success)
        return { kind: 'invalid', subcommand, problem: firstProblem(query.error) };
      return subcommand === 'status'
        ? { kind: 'status', query: query.data }
        : { kind: subcommand, query: query.data };
    }
  }
}

const FILTER = /^([a-z]+):(?:"([^"]*)"|“([^”]*)”|(\S+))(?:\s+|$)/i;

function parseAudit(args: string): NegotiationCommand {
  const invalid = (problem: string): NegotiationCommand => ({
    kind: 'invalid',
    subcommand: 'audit',
    problem,
  });
  const filters: Record<string, string> = {};
  let rest = args.trim();
  while (rest !== '') {
    const match = FILTER.exec(rest);
    if (!match) return invalid(`"${rest.split(' ')[0]}" is not a filter like influencer:<name>`);
    const key = (match[1] ?? '').toLowerCase();
    if (key in filters) return invalid(`${key}: is given twice`);
    filters[key] = match[2] ?? match[3] ?? match[4] ?? '';
    rest = rest.slice(match[0].length);
  }
  const parsed = auditSchema.safeParse(filters);
  if (!parsed.success) {
    const unknown = parsed.error.issues.find((i) => i.code === 'unrecognized_keys');
    return invalid(
      unknown
        ? `unknown filter ${unknown.keys.map((k) => `${k}:`).join(', ')} (use influencer:, campaign:, last:)`
        : firstProblem(parsed.error),
    );
  }
  const last = parsed.data.last ?? DEFAULT_LAST;
  const lastMs = lastSchema.safeParse(last);
  if (!lastMs.success) return invalid(firstProblem(lastMs.error));
  return {
    kind: 'audit',
    influencer: parsed.data.influencer ?? null,
    campaign: parsed.data.campaign ?? null,
    last: last.toLowerCase(),
    lastMs: lastMs.data,
  };
}
