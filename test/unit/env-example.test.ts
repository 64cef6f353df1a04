import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { projectRoot } from '../../src/paths.js';

describe('.env.example', () => {
  const text = readFileSync(join(projectRoot(), '.env.example'), 'utf8');
  const source = readFileSync(join(projectRoot(), 'src', 'config.ts'), 'utf8');
  const schemaKeys = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);

  it('documents every variable of the schema', () => {
    expect(schemaKeys.length).toBeGreaterThan(10);
    for (const key of [...schemaKeys, 'ENV_FILE'])
      expect(text, key).toMatch(new RegExp(`^#? ?${key}=`, 'm'));
  });

  it('is itself a valid configuration equal to the defaults', () => {
    const fromExample = loadConfig({
      env: parseEnv(text) as Record<string, string>,
      envFile: null,
    });
    expect(fromExample).toEqual(loadConfig({ env: {}, envFile: null }));
  });
});
