/**
 * Readiness (OBS-02): can this process do its work right now? Each check answers with a short,
 * safe detail (no paths, no secrets: `/ready` is unauthenticated). While the service shuts down,
 * only that is reported, and the database is not touched.
 *
 * "Database writable" is two checks because one is not enough: with the write-ahead log, SQLite
 * keeps writing through a connection opened before the file or its directory became read-only,
 * so a write probe alone would pass until the next restart fails. The probe (a rolled-back
 * `BEGIN IMMEDIATE` write) catches locks, read-only connections and I/O errors; the file checks
 * catch permissions. access(2) answers yes to root whatever the mode, so a file no one may write
 * counts as read-only too.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { MIGRATIONS_FOLDER } from '../db/open.js';

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface ReadinessDeps {
  sqlite: Database.Database;
  /** The database file (":memory:" skips the file checks). */
  databasePath: string;
  /** Checked only when configured: the Gmail OAuth credentials file. */
  gmailTokenFile?: string;
  /** True while the outbox worker and the timer scheduler run. */
  workersRunning: () => boolean;
  shuttingDown: () => boolean;
  migrationsFolder?: string;
}

export function createReadiness(deps: ReadinessDeps): () => ReadinessReport {
  const journal = journalLoader(deps.migrationsFolder ?? MIGRATIONS_FOLDER);
  const { gmailTokenFile } = deps;
  return () => {
    if (deps.shuttingDown()) {
      return report([{ name: 'shutting_down', ok: false, detail: 'the service is stopping' }]);
    }
    return report([
      run('database', 'writable', () => databaseProblem(deps.sqlite, deps.databasePath)),
      run('migrations', 'all applied', () => migrationProblem(deps.sqlite, journal())),
      ...(gmailTokenFile
        ? [run('gmail_token', 'present', () => tokenFileProblem(gmailTokenFile))]
        : []),
      run('workers', 'running', () => (deps.workersRunning() ? null : 'workers are not running')),
    ]);
  };
}

function report(checks: ReadinessCheck[]): ReadinessReport {
  return { ready: checks.every((check) => check.ok), checks };
}

/** Runs one check: null means it passed; a throw fails it with a safe description. */
function run(name: string, okDetail: string, problem: () => string | null): ReadinessCheck {
  try {
    const found = problem();
    return found === null
      ? { name, ok: true, detail: okDetail }
      : { name, ok: false, detail: found };
  } catch (error) {
    return { name, ok: false, detail: safeDetail(error) };
  }
}

/** Node's file errors name the path in their message: keep only the code for those. */
function safeDetail(error: unknown): string {
  const { code, syscall, message } = error as {
    code?: unknown;
    syscall?: unknown;
    message?: unknown;
  };
  if (typeof syscall === 'string' && typeof code === 'string') return code;
  return typeof message === 'string' ? message : String(error);
}

function databaseProblem(sqlite: Database.Database, path: string): string | null {
  if (!sqlite.open) return 'the connection is closed';
  if (sqlite.readonly) return 'the connection is read-only';
  if (path !== ':memory:' && path !== '') {
    // The log and shared-memory files exist only while a connection uses them.
    const files: Array<[file: string, what: string, mustExist: boolean]> = [
      [path, 'the database file', true],
      [dirname(path), 'the database directory', true],
      [`${path}-wal`, 'the write-ahead log', false],
      [`${path}-shm`, 'the shared-memory file', false],
    ];
    for (const [file, what, mustExist] of files) {
      if (!mustExist && !existsSync(file)) continue;
      const problem = notWritable(file, what);
      if (problem) return problem;
    }
  }
  probeWrite(sqlite);
  return null;
}

function notWritable(file: string, what: string): string | null {
  try {
    accessSync(file, constants.W_OK);
  } catch (error) {
    return `${what} is not writable (${safeDetail(error)})`;
  }
  return (statSync(file).mode & 0o222) === 0 ? `${what} is read-only` : null;
}

class ProbeRolledBack extends Error {}

/** Takes the write lock and writes, then rolls back: nothing is ever left behind. */
function probeWrite(sqlite: Database.Database): void {
  const probe = sqlite.transaction(() => {
    sqlite.exec('create table __readiness_probe (id integer)');
    throw new ProbeRolledBack();
  });
  try {
    probe.immediate();
  } catch (error) {
    if (!(error instanceof ProbeRolledBack)) throw error;
  }
}

const journalSchema = z.object({
  entries: z.array(z.object({ tag: z.string(), when: z.number() })),
});
type JournalEntry = z.infer<typeof journalSchema>['entries'][number];

/** The migration journal is part of the build: read it once, retrying only after a failure. */
function journalLoader(folder: string): () => JournalEntry[] {
  let entries: JournalEntry[] | null = null;
  return () => {
    entries ??= journalSchema.parse(
      JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')),
    ).entries;
    return entries;
  };
}

/** Drizzle records each applied migration with the journal's `when` as `created_at`. */
function migrationProblem(sqlite: Database.Database, journal: JournalEntry[]): string | null {
  const table = sqlite
    .prepare(`select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'`)
    .get();
  if (!table) return 'no migrations have been applied';
  const rows = sqlite.prepare('select created_at as at from __drizzle_migrations').all() as Array<{
    at: number | string;
  }>;
  const applied = new Set(rows.map((row) => Number(row.at)));
  const pending = journal.filter((entry) => !applied.has(entry.when)).map((entry) => entry.tag);
  if (pending.length > 0) return `not applied: ${pending.join(', ')}`;
  const known = new Set(journal.map((entry) => entry.when));
  const unknown = [...applied].filter((at) => !known.has(at)).length;
  return unknown > 0 ? `${unknown} applied migration(s) unknown to this build` : null;
}

function tokenFileProblem(file: string): string | null {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = safeDetail(error);
    return code === 'ENOENT'
      ? 'the token file is missing'
      : `the token file is unreadable (${code})`;
  }
  if (!stat.isFile()) return 'the token file is not a regular file';
  if (stat.size === 0) return 'the token file is empty';
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    return `the token file is not readable (${safeDetail(error)})`;
  }
  return null;
}
