/**
 * An online, consistent copy of the live database (DEPLOY-02), safe while the service runs.
 *
 * The source is opened read-only: in WAL mode a reader is never blocked by the service's write
 * transactions, and a read-only connection cannot change the live file whatever happens here.
 * SQLite's online backup API copies every page in one step, inside one read transaction, so the
 * copy is a snapshot of committed transactions only: a prefix of the service's writes, never half
 * of one. (Copying in small steps would restart each time the service commits, and might never
 * finish under a steady stream of writes.)
 *
 * The copy is written under a temporary name beside the destination, switched to a rollback
 * journal so it is one self-contained file, verified (integrity_check, migrations applied), and
 * only then renamed into place. Refusals are values; SQLite and file-system failures throw.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface BackupOptions {
  /** DATABASE_PATH: the live database. */
  source: string;
  /** The file to create. */
  destination: string;
  /** Replace an existing destination file (`--force`). */
  overwrite?: boolean;
  /** How long to wait for a lock (only a checkpoint or a WAL recovery takes one against readers). */
  busyTimeoutMs?: number;
}

export interface BackupSummary {
  path: string;
  bytes: number;
  negotiations: number;
  migrations: number;
}

/** `argument` refusals are the caller's to fix on the command line; `source` ones are not. */
export type BackupOutcome =
  | ({ ok: true } & BackupSummary)
  | { ok: false; kind: 'argument' | 'source'; message: string };

/**
 * The most pages better-sqlite3 hands to one backup step: more than any file has, so after its
 * first (empty) step the whole copy is made in one step, under one read lock.
 */
const ALL_PAGES = 0x7fff_ffff;

export async function backupDatabase(options: BackupOptions): Promise<BackupOutcome> {
  const source = resolve(options.source);
  const destination = resolve(options.destination);
  const refused = refusal(source, destination, options.overwrite ?? false);
  if (refused) return refused;

  const temp = join(
    dirname(destination),
    `.${basename(destination)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    const live = new Database(source, { readonly: true, fileMustExist: true });
    try {
      live.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      await live.backup(temp, { progress: () => ALL_PAGES });
    } finally {
      live.close();
    }
    const checked = verifyCopy(temp);
    if (!checked.ok) return { ok: false, kind: 'source', message: checked.message };
    if (!(options.overwrite ?? false) && existsSync(destination)) return exists(destination);
    renameSync(temp, destination);
    syncDirectory(dirname(destination));
    return { ok: true, path: destination, bytes: statSync(destination).size, ...checked.counts };
  } finally {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(temp + suffix, { force: true });
  }
}

function refusal(source: string, destination: string, overwrite: boolean): BackupOutcome | null {
  if (!existsSync(source))
    return { ok: false, kind: 'source', message: `${source} (DATABASE_PATH) does not exist` };
  if (destination === source || destination.startsWith(`${source}-`))
    return { ok: false, kind: 'argument', message: `${destination} is the live database` };
  if (!existsSync(dirname(destination)))
    return { ok: false, kind: 'argument', message: `${dirname(destination)} does not exist` };
  if (!existsSync(destination)) return null;
  if (statSync(destination).isDirectory())
    return { ok: false, kind: 'argument', message: `${destination} is a directory` };
  return overwrite ? null : exists(destination);
}

const exists = (destination: string): BackupOutcome => ({
  ok: false,
  kind: 'argument',
  message: `${destination} already exists (pass --force to replace it)`,
});

type Verified =
  | { ok: true; counts: { negotiations: number; migrations: number } }
  | { ok: false; message: string };

/** Opens the copy on its own: what a restore would open. */
function verifyCopy(file: string): Verified {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const integrity = copy.pragma('integrity_check') as { integrity_check: string }[];
    if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok')
      return {
        ok: false,
        message: `the copy fails integrity_check: ${integrity
          .slice(0, 3)
          .map((r) => r.integrity_check)
          .join('; ')}`,
      };
    const table = (name: string) =>
      copy.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name);
    if (!table('__drizzle_migrations') || !table('negotiations'))
      return {
        ok: false,
        message:
          'the database has no migrations or negotiations table: DATABASE_PATH is not a migrated negotiator database',
      };
    const count = (sql: string) => (copy.prepare(sql).get() as { n: number }).n;
    return {
      ok: true,
      counts: {
        migrations: count('select count(*) as n from __drizzle_migrations'),
        negotiations: count('select count(*) as n from negotiations'),
      },
    };
  } finally {
    copy.close();
  }
}

/** Makes the rename itself durable, not only the file's contents. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
