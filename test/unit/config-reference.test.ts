/**
 * The configuration reference: every variable of the schema documented once, README.md's copy
 * the one the schema generates now, and `.env.example` and SECRET_VARIABLES agreeing with it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  currentSection,
  OUT_OF_DATE,
  renderReference,
  replaceSection,
  run,
  table,
} from '../../src/cli/config-reference.js';
import {
  CONFIG_GROUPS,
  type ConfigVariable,
  configReference,
  SECRET_VARIABLES,
  schemaVariables,
} from '../../src/config.js';
import { projectRoot } from '../../src/paths.js';

const root = projectRoot();
const reference = configReference();
const byName = new Map(reference.map((v) => [v.name, v]));

/** `NAME=…` and `# NAME=…` lines: the variables .env.example documents, set or commented out. */
function exampleVariables(
  text: string,
): Array<{ name: string; value: string; commented: boolean }> {
  return [...text.matchAll(/^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({
    name: m[2] ?? '',
    value: (m[3] ?? '').trim(),
    commented: m[1] !== undefined,
  }));
}

function output() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe('the configuration reference', () => {
  it('lists every variable of the schema exactly once, each with a section and a description', () => {
    const keys = schemaVariables();
    expect(keys.length).toBeGreaterThan(40);
    for (const key of keys) expect(reference.filter((v) => v.name === key).length, key).toBe(1);
    expect(reference.map((v) => v.name).filter((n) => !keys.includes(n))).toEqual(['ENV_FILE']);
    for (const v of reference) {
      expect(v.description.trim(), v.name).not.toBe('');
      expect(v.description, `${v.name}: one line, no final full stop`).not.toMatch(/\n|\.$/);
      expect(CONFIG_GROUPS, v.name).toContain(v.group);
      expect(v.accepts.trim(), v.name).not.toBe('');
    }
  });

  it('gives every section at least one variable', () => {
    for (const group of CONFIG_GROUPS)
      expect(
        reference.some((v) => v.group === group),
        group,
      ).toBe(true);
  });

  it('states defaults inside their own ranges and values', () => {
    for (const v of reference) {
      if (v.min !== undefined && v.max !== undefined) {
        const fallback = Number(v.default);
        expect(fallback, v.name).toBeGreaterThanOrEqual(v.min);
        expect(fallback, v.name).toBeLessThanOrEqual(v.max);
      }
      if (v.values) expect(v.values, v.name).toContain(v.default);
    }
  });
});

describe('README.md', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('holds the reference the schema generates now (run npm run docs:config)', () => {
    expect(currentSection(readme), OUT_OF_DATE).toBe(renderReference(reference));
    expect(replaceSection(readme, renderReference(reference))).toBe(readme);
  });

  it('would be out of date after a variable is added without regenerating', () => {
    const added: ConfigVariable = {
      name: 'NEW_SETTING',
      group: 'Service',
      description: 'Something new',
      kind: 'text',
      accepts: 'text',
    };
    const renamed = reference.map((v) =>
      v.name === 'PORT' ? { ...v, description: 'Changed' } : v,
    );
    expect(replaceSection(readme, renderReference([...reference, added]))).not.toBe(readme);
    expect(replaceSection(readme, renderReference(renamed))).not.toBe(readme);
  });

  it('makes `--check` fail with the fix when README.md is stale, and regeneration cure it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'negotiator-docs-'));
    try {
      // A stale copy: the reference as it was before its first variable was added.
      writeFileSync(
        join(dir, 'README.md'),
        replaceSection(readme, renderReference(reference.slice(1))),
      );
      const stderr = output();
      expect(run(['--check'], { root: dir, stdout: output(), stderr })).toBe(1);
      expect(stderr.text()).toContain(OUT_OF_DATE);
      expect(run([], { root: dir, stdout: output(), stderr: output() })).toBe(0);
      expect(run(['--check'], { root: dir, stdout: output(), stderr: output() })).toBe(0);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(
        replaceSection(readme, renderReference(reference)),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gets tables Biome leaves as they are, so formatting never undoes the generator', () => {
    const biome = join(root, 'node_modules', '.bin', 'biome');
    const generated = `${renderReference(reference)}\n`;
    const formatted = execFileSync(biome, ['format', '--stdin-file-path=README.md'], {
      cwd: root,
      input: generated,
      encoding: 'utf8',
    });
    expect(formatted).toBe(generated);
  });

  it('pads tables to the widest cell, at least three wide', () => {
    expect(
      table([
        ['a', 'bb'],
        ['ccccc', ''],
      ]),
    ).toBe(['| a     | bb  |', '| ----- | --- |', '| ccccc |     |'].join('\n'));
  });
});

describe('.env.example and SECRET_VARIABLES', () => {
  const example = exampleVariables(readFileSync(join(root, '.env.example'), 'utf8'));
  // Read by docker-compose.yml to pick the image and the host port, never by the service.
  const composeOnly = ['NEGOTIATOR_VERSION', 'NEGOTIATOR_HTTP_PORT'];

  it('documents only variables the reference knows (or docker compose reads)', () => {
    expect(example.length).toBeGreaterThan(40);
    const unknown = example.map((v) => v.name).filter((name) => !byName.has(name));
    expect(unknown.sort()).toEqual([...composeOnly].sort());
    const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    for (const name of composeOnly) expect(compose, name).toContain(`\${${name}`);
  });

  it('sets each variable it sets to the default the reference states', () => {
    for (const { name, value, commented } of example)
      if (!commented && value !== '' && byName.has(name))
        expect(value, name).toBe(byName.get(name)?.default);
  });

  it('marks exactly the SECRET_VARIABLES as secret', () => {
    const secrets = reference.filter((v) => v.secret).map((v) => v.name);
    expect([...secrets].sort()).toEqual([...SECRET_VARIABLES].sort());
  });
});
