/**
 * The team's knowledge base (KB-01..03): `knowledge-base/**\/*.md`, each file with YAML
 * frontmatter (title, stage, platform, optional order and example), read from disk at run time so
 * the marketing team can edit it without a deploy or a restart.
 *
 * Caching design: the whole knowledge base goes into the shared prompt prefix, once, with every
 * document labelled by stage and platform; the per-negotiation part after the cache breakpoint only
 * names the documents that apply (`selectGuidance`). Choosing documents by stage and platform
 * inside the prefix would split it into one prefix per combination, and with replies arriving hours
 * apart those would rarely be read back before they expire. So the rendered text must be
 * byte-stable: the same files give the same bytes, in an order that does not depend on the file
 * system, with normalised line endings and nothing time-dependent.
 *
 * A file that fails validation is left out of the rendered text and listed in `problems`, never
 * dropped silently: `assertKnowledgeBase` turns problems into a startup error, and at run time the
 * caller logs them and carries on with the documents that are valid.
 *
 * Longer than most modules (~340 lines): loading, validation and rendering share the one document
 * shape and the byte-stability rules, and are easiest to review side by side.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { DraftPurpose } from '../../machines/negotiation/context.js';
import { PLATFORMS, type Platform } from '../domain/pricing/deliverables.js';

export const KB_STAGES = [
  'any',
  'opening',
  'counter',
  'answer',
  'agreement',
  'follow_up',
  'decline',
  'holding',
] as const;
export type KbStage = (typeof KB_STAGES)[number];
export const KB_PLATFORMS = ['any', ...PLATFORMS] as const;
export type KbPlatform = (typeof KB_PLATFORMS)[number];

/**
 * The guidance stage for each kind of draft. `farewell` (they turned us down) follows the decline
 * guidance; `human` is a person's own email, re-worded at most, so it gets the general answer
 * guidance.
 */
export const STAGE_FOR_PURPOSE: Record<DraftPurpose, Exclude<KbStage, 'any'>> = {
  opening: 'opening',
  counter: 'counter',
  answer: 'answer',
  agreement: 'agreement',
  follow_up: 'follow_up',
  decline: 'decline',
  farewell: 'decline',
  human: 'answer',
  holding: 'holding',
};

/** Files without an `order` sort after the ones that set it, then by path. */
const DEFAULT_ORDER = 1000;

/** Characters that would break the `<document …>` labels the documents are delimited with. */
const LABEL_SAFE = /^[^"<>\n]+$/;
const DELIMITER = /<\/?(?:document|knowledge_base)\b/;

const frontmatterSchema = z.strictObject({
  title: z.string().trim().min(1).max(120).regex(LABEL_SAFE, 'must not contain ", < or >'),
  stage: z.enum(KB_STAGES),
  platform: z.enum(KB_PLATFORMS),
  order: z.int().min(0).max(100_000).default(DEFAULT_ORDER),
  example: z.boolean().default(false),
});

export interface KnowledgeDocument {
  /** Relative to the knowledge-base folder, with `/` separators on every OS. */
  path: string;
  title: string;
  stage: KbStage;
  platform: KbPlatform;
  order: number;
  /** An illustration of shape and tone; its names and amounts must never be reused. */
  example: boolean;
  body: string;
}

/** One thing wrong with the knowledge base, naming the file and the field (or part) at fault. */
export interface KnowledgeBaseProblem {
  file: string;
  field: string;
  message: string;
}

export interface KnowledgeBase {
  documents: KnowledgeDocument[];
  /** The byte-stable block for the shared prompt prefix (`renderKnowledgeBase`). */
  text: string;
  bytes: number;
  /**
   * A rough count: Claude's tokenizer averages about 3.5–4 characters per token in English prose,
   * so dividing by 4 errs low, the safe side for "is the prefix long enough to be cached?".
   */
  approxTokens: number;
  problems: KnowledgeBaseProblem[];
}

/** The knowledge base cannot be used; the message lists every problem by file and field. */
export class KnowledgeBaseError extends Error {
  constructor(readonly problems: KnowledgeBaseProblem[]) {
    super(
      `the knowledge base is invalid:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'KnowledgeBaseError';
  }
}

export function formatProblem(p: KnowledgeBaseProblem): string {
  return `${p.file}: ${p.field}: ${p.message}`;
}

/** Reads the knowledge base now. Never throws for a bad file: see `problems`. */
export function loadKnowledgeBase(dir: string): KnowledgeBase {
  return createKnowledgeBaseSource(dir).load();
}

/** Loads once and throws a `KnowledgeBaseError` on any problem: for startup checks. */
export function assertKnowledgeBase(dir: string): KnowledgeBase {
  const kb = loadKnowledgeBase(dir);
  if (kb.problems.length > 0) throw new KnowledgeBaseError(kb.problems);
  return kb;
}

/**
 * A knowledge base that is re-read whenever a file was added, removed or changed (by path, size
 * and nanosecond mtime) and otherwise reused, so composing an email costs a directory listing and
 * a stat per file rather than parsing every document again.
 */
export function createKnowledgeBaseSource(dir: string): { load(): KnowledgeBase } {
  let last: { fingerprint: string; kb: KnowledgeBase } | null = null;
  return {
    load() {
      const listing = listMarkdown(dir);
      if (!listing.ok) return build([], [listing.problem]);
      const fingerprint = listing.files.map((f) => `${f.path}\0${f.size}\0${f.mtimeNs}`).join('\n');
      if (last?.fingerprint === fingerprint) return last.kb;
      const kb = readAll(dir, listing.files);
      last = { fingerprint, kb };
      return kb;
    },
  };
}

/**
 * The prompt block: a short preamble on how to use the labels, then every document between
 * `<document>` tags carrying its title, stage, platform and example flag. Same documents, same
 * bytes.
 */
export function renderKnowledgeBase(kb: Pick<KnowledgeBase, 'documents'>): string {
  const documents = kb.documents.map(
    (d) =>
      `<document title="${d.title}" stage="${d.stage}" platform="${d.platform}" example="${d.example}">\n${d.body}\n</document>`,
  );
  return [PREAMBLE, ...documents, '</knowledge_base>'].join('\n\n').concat('\n');
}

const PREAMBLE = `<knowledge_base>
The marketing team's knowledge base: how we negotiate, the tone to use, notes on each platform and example emails. Each document is labelled with the stage of the negotiation it is for (stage="any": every email) and the platform (platform="any": every platform). The instructions for each email name the documents that apply to it; follow those. Documents marked example="true" show the shape and tone of a good email only: never copy their names, handles, amounts, dates or product details. Every fact and every amount in an email comes from the instructions for that email, and where a document and those instructions disagree, the instructions win.`;

/** Titles of the documents that apply to one email, in knowledge-base order. */
export function selectGuidance(
  kb: Pick<KnowledgeBase, 'documents'>,
  { stage, platform }: { stage: Exclude<KbStage, 'any'>; platform: Platform },
): string[] {
  return kb.documents
    .filter(
      (d) =>
        (d.stage === 'any' || d.stage === stage) &&
        (d.platform === 'any' || d.platform === platform),
    )
    .map((d) => d.title);
}

interface ListedFile {
  path: string;
  size: number;
  mtimeNs: bigint;
}

type Listing = { ok: true; files: ListedFile[] } | { ok: false; problem: KnowledgeBaseProblem };

/**
 * Every `.md` file below `dir`, sorted by path with a plain code-unit comparison (localeCompare
 * depends on the ICU build and locale, which would make the order differ between machines).
 * Hidden entries (editor backups, `.git`) and README.md files (notes for the people editing) are
 * not documents. `statSync` follows symlinks, so a folder mounted as links still works.
 */
function listMarkdown(dir: string): Listing {
  const files: ListedFile[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      if (name.startsWith('.')) continue;
      const path = rel === '' ? name : `${rel}/${name}`;
      const stat = statSync(join(dir, path), { bigint: true });
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && name.endsWith('.md') && name.toLowerCase() !== 'readme.md') {
        files.push({ path, size: Number(stat.size), mtimeNs: stat.mtimeNs });
      }
    }
  };
  try {
    walk('');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? 'folder not found' : `cannot be read (${code ?? 'unknown error'})`;
    return { ok: false, problem: { file: dir, field: '(folder)', message } };
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (files.length === 0) {
    return { ok: false, problem: { file: dir, field: '(folder)', message: 'no .md documents' } };
  }
  return { ok: true, files };
}

function readAll(dir: string, files: ListedFile[]): KnowledgeBase {
  const documents: KnowledgeDocument[] = [];
  const problems: KnowledgeBaseProblem[] = [];
  const titles = new Map<string, string>();
  for (const { path } of files) {
    const file = join(dir, path);
    const result = readDocument(file, path);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const clash = titles.get(result.document.title.toLowerCase());
    if (clash !== undefined) {
      problems.push({
        file,
        field: 'title',
        message: `"${result.document.title}" is also the title of ${clash}`,
      });
      continue;
    }
    titles.set(result.document.title.toLowerCase(), path);
    documents.push(result.document);
  }
  // Files are already in path order and the sort is stable, so equal orders fall back to path.
  documents.sort((a, b) => a.order - b.order);
  return build(documents, problems);
}

function build(documents: KnowledgeDocument[], problems: KnowledgeBaseProblem[]): KnowledgeBase {
  const text = renderKnowledgeBase({ documents });
  return {
    documents,
    text,
    bytes: Buffer.byteLength(text, 'utf8'),
    approxTokens: Math.floor(text.length / 4),
    problems,
  };
}

type DocumentRead =
  | { ok: true; document: KnowledgeDocument }
  | { ok: false; problems: KnowledgeBaseProblem[] };

function readDocument(file: string, path: string): DocumentRead {
  const fail = (field: string, message: string): DocumentRead => ({
    ok: false,
    problems: [{ file, field, message }],
  });
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    return fail(
      '(file)',
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    );
  }
  const parts = splitFrontmatter(normalise(raw));
  if (!parts)
    return fail(
      '(frontmatter)',
      'missing: the file must start with a --- line, the fields, and a closing --- line',
    );
  let data: unknown;
  try {
    data = parse(parts.yaml, { uniqueKeys: true });
  } catch (error) {
    return fail('(frontmatter)', `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = frontmatterSchema.safeParse(data ?? {});
  if (!parsed.success)
    return { ok: false, problems: parsed.error.issues.flatMap((i) => toProblems(file, i)) };
  if (parts.body === '') return fail('(body)', 'empty: write the guidance below the frontmatter');
  if (DELIMITER.test(parts.body))
    return fail('(body)', 'must not contain <document> or <knowledge_base> tags');
  return { ok: true, document: { path, ...parsed.data, body: parts.body } };
}

function toProblems(file: string, issue: z.core.$ZodIssue): KnowledgeBaseProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(frontmatterSchema.shape).join(', ');
    return issue.keys.map((key) => ({
      file,
      field: key,
      message: `unknown field (expected: ${known})`,
    }));
  }
  return [{ file, field: issue.path.join('.') || '(frontmatter)', message: issue.message }];
}

/**
 * One canonical text whatever the editor saved: no byte-order mark, `\n` line endings, Unicode
 * NFC, no trailing spaces, no blank lines at either end. Otherwise an invisible difference would
 * change the prompt prefix and silently defeat the cache.
 */
function normalise(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .normalize('NFC')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

function splitFrontmatter(text: string): { yaml: string; body: string } | null {
  const lines = text.split('\n');
  if (lines[0] !== '---') return null;
  const close = lines.indexOf('---', 1);
  if (close === -1) return null;
  return {
    yaml: lines.slice(1, close).join('\n'),
    body: lines
      .slice(close + 1)
      .join('\n')
      .replace(/^\n+|\n+$/g, ''),
  };
}
