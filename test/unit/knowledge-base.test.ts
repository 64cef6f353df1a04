import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DRAFT_PURPOSES } from '../../machines/negotiation/context.js';
import { PLATFORMS } from '../../src/domain/pricing/deliverables.js';
import {
  assertKnowledgeBase,
  createKnowledgeBaseSource,
  KB_STAGES,
  type KnowledgeBase,
  KnowledgeBaseError,
  loadKnowledgeBase,
  renderKnowledgeBase,
  STAGE_FOR_PURPOSE,
  selectGuidance,
} from '../../src/llm/knowledge-base.js';
import { resolveFromRoot } from '../../src/paths.js';

const shippedDir = resolveFromRoot('knowledge-base');
const shipped = loadKnowledgeBase(shippedDir);
const examples = shipped.documents.filter((d) => d.example);

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'negotiator-kb-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function write(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const doc = (frontmatter: string, body = 'Some guidance.') =>
  `---\n${frontmatter}\n---\n\n${body}\n`;
const VALID = doc('title: Playbook\nstage: any\nplatform: any');

describe('the shipped knowledge base', () => {
  it('loads with no problems and passes the startup check', () => {
    expect(shipped.problems).toEqual([]);
    expect(() => assertKnowledgeBase(shippedDir)).not.toThrow();
    expect(shipped.documents.map((d) => d.path)).toContain('playbook.md');
  });

  it('has guidance written for every stage, not only the documents for any stage', () => {
    for (const stage of KB_STAGES.filter((s) => s !== 'any')) {
      expect(
        shipped.documents.some((d) => d.stage === stage),
        stage,
      ).toBe(true);
    }
  });

  it('has notes for every platform', () => {
    for (const platform of PLATFORMS) {
      expect(
        shipped.documents.filter((d) => d.platform === platform && !d.example),
        platform,
      ).toHaveLength(1);
    }
  });

  it('has example emails for opening, counter, agreement, decline, holding and follow-up', () => {
    expect(new Set(examples.map((d) => d.stage))).toEqual(
      new Set(['opening', 'counter', 'agreement', 'decline', 'holding', 'follow_up']),
    );
  });

  it('keeps internal numbers, exclusivity, guarantees and placeholders out of the examples', () => {
    for (const { path, body } of examples) {
      expect(body, path).not.toMatch(/\bfloor\b|\bceiling\b|cpm|budget|exclusiv|guarantee/i);
      expect(body, path).not.toMatch(/\{\{|\[[A-Z][A-Za-z ]*\]/);
    }
  });

  it('is large enough for the shared prefix to be cached', () => {
    expect(shipped.approxTokens).toBeGreaterThan(2500);
    expect(shipped.bytes).toBe(Buffer.byteLength(shipped.text));
    expect(shipped.bytes).toBeLessThan(40_000);
  });

  it('labels every document in the rendered text and ends each block', () => {
    for (const d of shipped.documents) {
      expect(shipped.text).toContain(
        `<document title="${d.title}" stage="${d.stage}" platform="${d.platform}" example="${d.example}">`,
      );
    }
    expect(shipped.text.match(/<\/document>/g)).toHaveLength(shipped.documents.length);
    expect(shipped.text.startsWith('<knowledge_base>\n')).toBe(true);
    expect(shipped.text.endsWith('</knowledge_base>\n')).toBe(true);
    expect(shipped.text).not.toContain('\r');
  });
});

describe('byte stability', () => {
  it('renders identical bytes on every load', () => {
    const again = loadKnowledgeBase(shippedDir);
    expect(again.text).toBe(shipped.text);
    expect(renderKnowledgeBase(again)).toBe(shipped.text);
  });

  it('does not depend on the order the files were created in', () => {
    const dir = tempDir();
    const paths = listFiles(shippedDir).reverse();
    for (const path of paths) write(dir, path, readFileSync(join(shippedDir, path), 'utf8'));
    expect(loadKnowledgeBase(dir).text).toBe(shipped.text);
  });

  it('ignores CRLF line endings, a byte-order mark and trailing spaces', () => {
    const dir = tempDir();
    cpSync(shippedDir, dir, { recursive: true });
    const playbook = join(dir, 'playbook.md');
    const text = readFileSync(playbook, 'utf8');
    writeFileSync(playbook, `\uFEFF${text.replace(/\n/g, '  \r\n')}`);
    expect(loadKnowledgeBase(dir).text).toBe(shipped.text);
  });

  it('orders by the order field, then by path', () => {
    const dir = tempDir();
    write(dir, 'b.md', doc('title: B\nstage: any\nplatform: any'));
    write(dir, 'a.md', doc('title: A\nstage: any\nplatform: any'));
    write(dir, 'z/first.md', doc('title: First\nstage: any\nplatform: any\norder: 1'));
    expect(loadKnowledgeBase(dir).documents.map((d) => d.path)).toEqual([
      'z/first.md',
      'a.md',
      'b.md',
    ]);
  });
});

describe('problems', () => {
  function problemsFor(files: Record<string, string>): KnowledgeBase['problems'] {
    const dir = tempDir();
    for (const [path, text] of Object.entries(files)) write(dir, path, text);
    return loadKnowledgeBase(dir).problems;
  }

  it('names the file and the field of a broken frontmatter, and keeps the valid files', () => {
    const dir = tempDir();
    write(dir, 'playbook.md', VALID);
    write(dir, 'platforms/tiktok.md', doc('title: TikTok\nstage: any\nplatform: tik tok'));
    const kb = loadKnowledgeBase(dir);
    expect(kb.documents.map((d) => d.path)).toEqual(['playbook.md']);
    expect(kb.problems).toEqual([
      {
        file: join(dir, 'platforms/tiktok.md'),
        field: 'platform',
        message: expect.stringContaining('instagram'),
      },
    ]);
    expect(() => assertKnowledgeBase(dir)).toThrow(KnowledgeBaseError);
    expect(() => assertKnowledgeBase(dir)).toThrow(/platforms\/tiktok\.md: platform:/);
  });

  it('reports missing, misspelt and malformed fields', () => {
    expect(
      problemsFor({
        'a.md': doc('title: A\nstage: closing\nplatfrom: any'),
        'b.md': 'No frontmatter at all.\n',
        'c.md': doc('title: [unclosed\nstage: any\nplatform: any'),
        'd.md': doc('title: D\nstage: any\nplatform: any', ''),
      }).map((p) => `${p.file.split('/').at(-1)} ${p.field}`),
    ).toEqual([
      'a.md stage',
      'a.md platform',
      'a.md platfrom',
      'b.md (frontmatter)',
      'c.md (frontmatter)',
      'd.md (body)',
    ]);
  });

  it('reports a title used twice', () => {
    const problems = problemsFor({ 'a.md': VALID, 'b.md': VALID });
    expect(problems).toEqual([
      expect.objectContaining({ file: expect.stringMatching(/b\.md$/), field: 'title' }),
    ]);
  });

  it('reports a missing or empty folder', () => {
    const dir = tempDir();
    expect(loadKnowledgeBase(join(dir, 'nope')).problems).toEqual([
      { file: join(dir, 'nope'), field: '(folder)', message: 'folder not found' },
    ]);
    expect(loadKnowledgeBase(dir).problems[0]?.message).toBe('no .md documents');
  });

  it('skips hidden files and READMEs, which are not documents', () => {
    const dir = tempDir();
    write(dir, 'playbook.md', VALID);
    write(dir, 'README.md', '# Notes for editors\n');
    write(dir, '.#playbook.md', 'an editor lock file');
    const kb = loadKnowledgeBase(dir);
    expect(kb.problems).toEqual([]);
    expect(kb.documents.map((d) => d.path)).toEqual(['playbook.md']);
  });
});

describe('edits without a restart', () => {
  it('sees an edit on the next load', () => {
    const dir = tempDir();
    write(dir, 'playbook.md', VALID);
    expect(loadKnowledgeBase(dir).text).toContain('Some guidance.');
    write(dir, 'playbook.md', VALID.replace('Some guidance.', 'Revised guidance.'));
    expect(loadKnowledgeBase(dir).text).toContain('Revised guidance.');
  });

  it('reuses an unchanged load and re-reads a changed, added or removed file', () => {
    const dir = tempDir();
    write(dir, 'playbook.md', VALID);
    const source = createKnowledgeBaseSource(dir);
    const first = source.load();
    expect(source.load()).toBe(first);

    // Same size, so only the modification time gives the edit away.
    write(dir, 'playbook.md', VALID.replace('Some', 'Many'));
    const { mtime } = statSync(join(dir, 'playbook.md'));
    utimesSync(join(dir, 'playbook.md'), mtime, new Date(mtime.getTime() + 2000));
    const edited = source.load();
    expect(edited.text).toContain('Many guidance.');

    write(dir, 'tone.md', doc('title: Tone\nstage: any\nplatform: any'));
    expect(source.load().documents).toHaveLength(2);
    rmSync(join(dir, 'tone.md'));
    expect(source.load().text).toBe(edited.text);
  });
});

describe('selectGuidance', () => {
  it('picks the documents for the stage and platform, in knowledge-base order', () => {
    const titles = selectGuidance(shipped, { stage: 'counter', platform: 'tiktok' });
    expect(titles).toEqual(
      shipped.documents
        .filter(
          (d) =>
            (d.stage === 'any' || d.stage === 'counter') &&
            (d.platform === 'any' || d.platform === 'tiktok'),
        )
        .map((d) => d.title),
    );
    expect(titles).toContain('Negotiation playbook');
    expect(titles).toContain('TikTok notes');
    expect(titles).not.toContain('Instagram notes');
    expect(
      titles.some((t) => shipped.documents.find((d) => d.title === t)?.stage === 'counter'),
    ).toBe(true);
  });

  it('has stage-specific guidance for every kind of draft the machine composes', () => {
    for (const purpose of DRAFT_PURPOSES) {
      const stage = STAGE_FOR_PURPOSE[purpose];
      const specific = shipped.documents.filter((d) => d.stage === stage);
      expect(specific.length, purpose).toBeGreaterThan(0);
    }
  });
});

function listFiles(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((entry) => {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    return entry.isDirectory() ? listFiles(dir, path) : [path];
  });
}
