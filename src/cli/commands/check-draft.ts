/** `negotiator check-draft FILE`: runs the validation gate on a draft, to test knowledge-base edits. */
import { readFileSync, statSync } from 'node:fs';
import type { parseArgs } from 'node:util';
import {
  COMMITMENT_KINDS,
  type CommitmentKind,
  checkDraft,
  DEFAULT_LENGTH,
  DRAFT_PURPOSES,
  type Draft,
  type DraftPurpose,
  type GateDecision,
  type GateResult,
} from '../../domain/gate/index.js';
import {
  type Deliverable,
  PLATFORMS,
  parseDeliverables,
  parsePlatform,
} from '../../domain/pricing/index.js';
import { type Command, CommandError, parseOptions } from '../command.js';

const USAGE = `Usage: negotiator check-draft FILE --offer-cents N [options]

  FILE holds the draft: an optional first line "Subject: …", then the body.
  Exit code 0 when the draft passes, 1 when it fails, 2 for bad arguments.

  --offer-cents N          our offer (the agreed amount for an agreement); required for
                           opening, counter and agreement
  --ask-cents N            their ask, which the draft may quote back
  --also-allowed-cents L   other allowed amounts, comma-separated cents
  --deliverables D         e.g. reel:1,story:2 (see explain-price); must be named
  --platform P             instagram, tiktok or youtube (default: the first that fits D)
  --purpose P              ${DRAFT_PURPOSES.join(', ')} (default counter)
  --allow K                commitments the campaign grants, comma-separated:
                           ${COMMITMENT_KINDS.join(', ')}
  --payment-terms TEXT     e.g. "net 30": allowed, and an agreement must state them
  --floor-cents N          internal bounds that must never appear
  --ceiling-cents N
  --cpm-target-cents N     cents per 1,000 views
  --cpm-ceiling-cents N
  --min-length N           body length bounds in characters (default 40 to 1500)
  --max-length N
  --json                   print {"passed":bool,"failures":[{"rule","detail"}]}`;

const OPTIONS = {
  'offer-cents': { type: 'string' },
  'ask-cents': { type: 'string' },
  'also-allowed-cents': { type: 'string' },
  deliverables: { type: 'string' },
  platform: { type: 'string' },
  purpose: { type: 'string', default: 'counter' },
  allow: { type: 'string' },
  'payment-terms': { type: 'string' },
  'floor-cents': { type: 'string' },
  'ceiling-cents': { type: 'string' },
  'cpm-target-cents': { type: 'string' },
  'cpm-ceiling-cents': { type: 'string' },
  'min-length': { type: 'string' },
  'max-length': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

const MAX_DRAFT_BYTES = 1_000_000;

export const runCheckDraft: Command = {
  name: 'check-draft',
  summary: 'run the validation gate on a draft email (exit 1 when it fails)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseOptions(args, OPTIONS, true);
    const [file, ...extra] = parsed.positionals;
    if (file === undefined) throw new CommandError('expected one FILE argument');
    if (extra.length > 0)
      throw new CommandError(`expected one file, got ${parsed.positionals.length}`);
    const decision = toDecision(parsed.values);
    const outcome = checkDraft(splitDraft(readDraft(file)), decision);
    io.stdout.write(parsed.values.json ? `${JSON.stringify(toJson(outcome))}\n` : toText(outcome));
    return outcome.passed ? 0 : 1;
  },
};

function toDecision(values: Values): GateDecision {
  const errors: string[] = [];
  const whole = (name: keyof Values, unit = 'cents') => {
    const text = values[name];
    if (typeof text !== 'string') return undefined;
    if (/^\d{1,12}$/.test(text.trim())) return Number(text.trim());
    errors.push(`--${name} "${text}" must be a whole number of ${unit}`);
    return undefined;
  };
  const cents = (name: keyof Values) => whole(name);
  const purpose = values.purpose as DraftPurpose;
  if (!DRAFT_PURPOSES.includes(purpose)) {
    errors.push(`--purpose "${values.purpose}" is not one of ${DRAFT_PURPOSES.join(', ')}`);
  }
  const offerCents = cents('offer-cents');
  if (
    ['opening', 'counter', 'agreement'].includes(purpose) &&
    values['offer-cents'] === undefined
  ) {
    errors.push(`--offer-cents is required for a ${purpose} draft`);
  }
  const decision: GateDecision = {
    purpose,
    offerCents,
    askCents: cents('ask-cents'),
    alsoAllowedCents: centsList(values['also-allowed-cents'], errors),
    deliverables: deliverables(values.deliverables, values.platform, errors),
    allowedCommitments: commitments(values.allow, errors),
    paymentTerms: values['payment-terms'],
    internal: {
      floorCents: cents('floor-cents'),
      ceilingCents: cents('ceiling-cents'),
      cpmTargetCents: cents('cpm-target-cents'),
      cpmCeilingCents: cents('cpm-ceiling-cents'),
    },
    length: {
      min: whole('min-length', 'characters') ?? DEFAULT_LENGTH.min,
      max: whole('max-length', 'characters') ?? DEFAULT_LENGTH.max,
    },
  };
  if (decision.length && decision.length.min > decision.length.max) {
    errors.push('--min-length is above --max-length');
  }
  if (errors.length > 0) throw new CommandError(errors.join('; '));
  return decision;
}

function centsList(text: string | undefined, errors: string[]): number[] {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((s) => !/^\d{1,12}$/.test(s));
  if (bad.length > 0) errors.push(`--also-allowed-cents: "${bad.join('", "')}" are not cents`);
  return items.filter((s) => /^\d{1,12}$/.test(s)).map(Number);
}

/** Without --platform, the first platform that has every listed type ("story" → instagram). */
function deliverables(text: string | undefined, platform: string | undefined, errors: string[]) {
  if (text === undefined) return [];
  const candidates = platform === undefined ? [...PLATFORMS] : [parsePlatform(platform)];
  if (candidates[0] === null) {
    errors.push(`--platform "${platform}" is not instagram, tiktok or youtube`);
    return [];
  }
  let firstErrors: string[] = [];
  for (const candidate of candidates) {
    if (candidate === null) continue;
    const parsed = parseDeliverables(text, candidate);
    if (parsed.ok) return parsed.deliverables satisfies Deliverable[];
    if (firstErrors.length === 0) firstErrors = parsed.errors;
  }
  errors.push(...firstErrors.map((e) => `--deliverables: ${e}`));
  return [];
}

function commitments(text: string | undefined, errors: string[]): CommitmentKind[] {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = (k: string): k is CommitmentKind =>
    (COMMITMENT_KINDS as readonly string[]).includes(k);
  for (const item of items.filter((k) => !known(k))) {
    errors.push(`--allow "${item}" is not one of ${COMMITMENT_KINDS.join(', ')}`);
  }
  return items.filter(known);
}

function readDraft(file: string): string {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new CommandError(`${file} is a directory, not a draft file`);
    if (stat.size > MAX_DRAFT_BYTES) {
      throw new CommandError(
        `${file} is ${stat.size} bytes, over the ${MAX_DRAFT_BYTES}-byte limit`,
      );
    }
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new CommandError(`cannot read ${file}: ${reason ?? (error as Error).message}`);
  }
}

/** "Subject: …" on the first line is the subject; one blank line after it is not body. */
function splitDraft(raw: string): Draft {
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const match = /^subject:[ \t]*(.*)\n?/i.exec(text);
  if (!match) return { body: text };
  return { subject: (match[1] ?? '').trim(), body: text.slice(match[0].length).replace(/^\n/, '') };
}

/** Exactly the documented shape, whatever else GateResult may grow. */
function toJson(outcome: GateResult) {
  return {
    passed: outcome.passed,
    failures: outcome.failures.map((f) => ({ rule: f.rule, detail: f.detail })),
  };
}

function toText(outcome: GateResult): string {
  if (outcome.passed) return 'passed: the draft can be sent\n';
  const lines = outcome.failures.map((f) => `  - ${f.rule}: ${f.detail}`);
  return `failed: ${outcome.failures.length} problem(s)\n${lines.join('\n')}\n`;
}
