/**
 * Reads a credentials file the startup checks inspect and parses it as JSON. A failure comes back
 * as the problem to report and its fix, and never quotes the file: it holds secrets.
 */
import { readFileSync } from 'node:fs';

export type JsonFileRead =
  | { ok: true; json: unknown }
  | { ok: false; problem: string; fix: string };

/**
 * The file's JSON, or why there is none. `fixes` says what to do when the file does not exist
 * and when it is not JSON; an unreadable file always gets the same advice.
 */
export function readJsonFile(
  file: string,
  fixes: { missing: string; invalid: string },
): JsonFileRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return code === 'ENOENT'
      ? { ok: false, problem: 'does not exist', fix: fixes.missing }
      : {
          ok: false,
          problem: `cannot be read (${code})`,
          fix: 'let the service user read it, e.g. chmod 600 and chown to that user',
        };
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch {
    // JSON.parse's message quotes the text near the error, which may be a secret.
    return { ok: false, problem: 'is not valid JSON', fix: fixes.invalid };
  }
}
