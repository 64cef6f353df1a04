import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root: the nearest folder above this module whose package.json is ours. The same
 * answer from a checkout (src/), from a build (dist/src/) and inside the container (/app/dist/src/),
 * so config/, migrations/ and knowledge-base/ are found wherever the process was started.
 */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isOurManifest(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no negotiator package.json above ${from}`);
    dir = parent;
  }
}

/** Resolves a configured path: absolute as given, relative against the project root. */
export function resolveFromRoot(path: string, root: string = projectRoot()): string {
  return isAbsolute(path) ? path : resolve(root, path);
}

function isOurManifest(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'negotiator';
  } catch {
    return false;
  }
}
