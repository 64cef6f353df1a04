/**
 * What the live tests share: the service's own configuration (environment and .env, exactly as
 * `negotiator serve` reads them), the few variables only these tests use, and the title that says
 * why a suite is skipped. Nothing here prints a value: only variable names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { type Config, loadConfig } from '../../src/config.js';
import { projectRoot, resolveFromRoot } from '../../src/paths.js';

/** The configuration the service would run with; an invalid one fails the file, loudly. */
export const config: Config = loadConfig();

/**
 * A variable the service does not know (SLACK_TEST_CHANNEL), from the environment or else from
 * the same .env file loadConfig reads.
 */
export function testVariable(name: string): string | undefined {
  const fromEnv = process.env[name]?.trim();
  if (fromEnv) return fromEnv;
  const file = process.env.ENV_FILE?.trim()
    ? resolveFromRoot(process.env.ENV_FILE.trim())
    : resolveFromRoot('.env', projectRoot());
  if (!existsSync(file)) return undefined;
  return (
    (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>)[name]?.trim() || undefined
  );
}

/**
 * The suite's title, which says what it needs when it is skipped (and warns once, so the reason
 * shows up in any reporter's output).
 */
export function liveTitle(what: string, missing: string[]): string {
  if (missing.length === 0) return `${what} (live)`;
  const reason = `${what} (live) skipped: set ${missing.join('; ')}`;
  console.warn(reason);
  return reason;
}

/** A marker unique to this run, for finding what the test itself sent. */
export const runMarker = `live-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
