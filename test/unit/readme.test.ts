/**
 * The README is followed, not just read: the set-up commands in "Try it" are the ones this
 * repository's checks run (npm install builds what `npm run demo` starts; `npm test` is the
 * suite CI runs, the demo included), its links point at files that exist, and every command it
 * lists is one the CLI has.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDemoCommand } from '../../src/cli/commands/demo.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { resolveFromRoot } from '../../src/paths.js';

const readme = readFileSync(resolveFromRoot('README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(resolveFromRoot('package.json'), 'utf8')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const ci = readFileSync(resolveFromRoot('.ci/run'), 'utf8');

/** The commands of the first shell block of a `## ` section, comments and blanks left out. */
function setupCommands(heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const section = readme.slice(start + 1).split(/\n## /)[0] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

describe('the README', () => {
  it('sets up with two commands: install and run the demo, then the tests', () => {
    expect(setupCommands('Try it')).toEqual(['npm install && npm run demo', 'npm test']);
  });

  it('names the commands this repository runs: install builds the CLI the demo script starts', () => {
    expect(pkg.scripts.prepare).toMatch(/\bnpm run build\b/);
    const bin = pkg.bin.negotiator ?? '';
    expect(bin).toMatch(/^dist\/.+\.js$/);
    expect(pkg.scripts.demo).toBe(`node ${bin} demo`);
    expect(COMMANDS.find((c) => c.name === 'demo')).toBeDefined();
    expect(runDemoCommand.name).toBe('demo');
  });

  it('names the commands CI runs: the same demo script and the same test suite', () => {
    expect(pkg.scripts.test).toBe('vitest run');
    expect(ci).toMatch(/\bnpm ci\b/);
    expect(ci).toMatch(/\bnpm run -s demo\b/);
    expect(ci).toMatch(/\bnpx vitest run\b/);
    // The suite runs the demo itself too.
    expect(existsSync(resolveFromRoot('test/integration/demo.test.ts'))).toBe(true);
  });

  it('links only to files that exist', () => {
    const targets = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)/g)].map(
      (m) => m[1] ?? '',
    );
    expect(targets.length).toBeGreaterThan(3);
    expect(targets.filter((target) => !existsSync(resolveFromRoot(target)))).toEqual([]);
  });

  it('lists only commands the CLI has, and every command it has', () => {
    const table = readme.slice(readme.indexOf('### Commands'));
    const listed = new Set(
      [...table.slice(0, table.indexOf('\n#')).matchAll(/`negotiator ([a-z-]+)/g)].map((m) => m[1]),
    );
    expect([...listed].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });
});
