/** The `negotiator` command run as a real child process from source, with a minimal environment. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';

export function negotiator(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join('src', 'cli', 'main.ts'), ...args],
    {
      cwd: projectRoot(),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
