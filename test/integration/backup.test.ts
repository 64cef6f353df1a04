/**
 * `negotiator backup` as a real child process against a real SQLite file in WAL mode, while
 * another child process writes to it: the copy opens on its own, passes integrity_check, and holds
 * exactly the transactions committed before some instant — every write all or nothing, in order.
 * Also: an open write transaction neither blocks the copy nor leaks into it; an existing file is
 * kept unless --force; bad arguments exit 2, an unusable database exits 1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../src/db/open.js';
import { projectRoot } from '../../src/paths.js';
import { negotiator } from '../support/cli.js';

/**
 * Each transaction i adds negotiation neg_i with its first transition and sets the ledger row
 * neg_0's seq to i: a copy is consistent exactly when neg_1…neg_N, their N transitions and
 * neg_0.seq = N all agree. Batches yield to the event loop so a closed stdin stops it.
 */
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = ' + process.argv[2]);
const pad = JSON.stringify({ pad: 'x'.repeat(2000) });
const addNegotiation = db.prepare("insert into negotiations (id, influencer_email, platform, state, status, machine_version, snapshot_json, seq, created_at, updated_at) values (?, ?, 'instagram', 'awaitingReply', 'active', 1, ?, ?, ?, ?)");
const addTransition = db.prepare("insert into transitions (negotiation_id, seq, event_type, event_json, from_state, to_state, at) values (?, 1, 'STARTED', '{}', 'idle', 'awaitingReply', ?)");
const advance = db.prepare("update negotiations set seq = ?, updated_at = ? where id = 'neg_0'");
const write = db.transaction((i) => {
  const now = Date.now();
  addNegotiation.run('neg_' + i, 'creator' + i + '@example.test', pad, 1, now, now);
  addTransition.run('neg_' + i, now);
  advance.run(i, now);
});
let i = 0;
let stopped = false;
const deadline = Date.now() + 60000;
process.stdin.on('end', () => { stopped = true; });
process.stdin.resume();
(function batch() {
  for (let n = 0; n < 25; n++) write(++i);
  if (i === 25) process.stdout.write('writing\\n');
  if (stopped || Date.now() > deadline) { db.close(); process.stdout.write('wrote ' + i + '\\n'); return; }
  setImmediate(batch);
})();
`;

/** Holds one write transaction open (a row inserted, not committed) until stdin gets a line. */
const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.exec('begin immediate');
db.prepare("update negotiations set seq = -1 where id = 'neg_0'").run();
process.stdout.write('holding\\n');
process.stdin.once('data', () => { db.exec('commit'); db.close(); process.stdout.write('committed\\n'); });
`;

let dir: string;
let dbPath: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'negotiator-backup-'));
  dbPath = join(dir, 'live', 'negotiator.db');
  const { sqlite, close } = openMigratedDatabase({ path: dbPath });
  sqlite
    .prepare(
      `insert into negotiations (id, influencer_email, platform, state, status, machine_version,
        snapshot_json, seq, created_at, updated_at)
       values ('neg_0', 'ledger@example.test', 'instagram', 'idle', 'active', 1, '{}', 0, 0, 0)`,
    )
    .run();
  close();
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A node child running `script` on the database; resolves once it prints `ready`. */
async function startChild(script: string, ready: string, ...args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', script, dbPath, ...args], {
    cwd: projectRoot(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(ready)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
  });
  return child;
}

/** `negotiator backup …` as a child process, without blocking this process's event loop. */
function backupCommand(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'backup', ...args],
    {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_PATH: dbPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The ledger's count of committed writes, read the way the service would. */
function committedWrites(): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare("select seq from negotiations where id = 'neg_0'").get() as { seq: number })
      .seq;
  } finally {
    db.close();
  }
}

function readCopy(file: string) {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const ids = (
      copy.prepare("select id from negotiations where id != 'neg_0'").all() as { id: string }[]
    )
      .map((r) => Number(r.id.slice(4)))
      .sort((a, b) => a - b);
    return {
      integrity: copy.pragma('integrity_check', { simple: true }),
      journalMode: copy.pragma('journal_mode', { simple: true }),
      migrations: (
        copy.prepare('select count(*) as n from __drizzle_migrations').get() as {
          n: number;
        }
      ).n,
      ledger: (
        copy.prepare("select seq from negotiations where id = 'neg_0'").get() as {
          seq: number;
        }
      ).seq,
      ids,
      transitions: (copy.prepare('select count(*) as n from transitions').get() as { n: number }).n,
    };
  } finally {
    copy.close();
  }
}

describe('negotiator backup', () => {
  // With checkpoints off, every write since the start lives only in the WAL: a copy of the main
  // file alone would miss them. With SQLite's default, checkpoints run while the copy is taken.
  it.each([
    ['the WAL is never checkpointed', 0],
    ['checkpoints run as usual', 1000],
  ])(
    'copies a database another process is writing to (%s): verified, a consistent prefix',
    async (_, checkpointPages) => {
      const writer = await startChild(WRITER, 'writing', String(checkpointPages));
      // Let the database grow to a few hundred pages, so the copy is not a trivial one.
      while (committedWrites() < 600) await new Promise((r) => setImmediate(r));
      const before = committedWrites();
      const file = join(dir, 'copy.db');

      const result = await backupCommand([file]);
      const during = committedWrites();
      const finished = new Promise<string>((resolve) => {
        let out = '';
        writer.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        writer.once('close', () => resolve(out));
      });
      writer.stdin?.end();
      const total = Number(/wrote (\d+)/.exec(await finished)?.[1]);

      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const copy = readCopy(file);
      expect(copy.integrity).toBe('ok');
      expect(copy.journalMode).toBe('delete');
      expect(copy.migrations).toBeGreaterThan(0);
      // A prefix: everything committed before the command started, nothing torn, nothing skipped.
      expect(copy.ledger).toBeGreaterThanOrEqual(before);
      expect(copy.ledger).toBeLessThanOrEqual(during);
      expect(copy.ids).toEqual(Array.from({ length: copy.ledger }, (_, k) => k + 1));
      expect(copy.transitions).toBe(copy.ledger);
      // The writer kept committing while the copy was taken, and after.
      expect(during).toBeGreaterThan(before);
      expect(total).toBeGreaterThanOrEqual(during);
      const size = readFileSync(file).length;
      expect(result.stdout).toBe(
        `${file}: ${size} bytes (${(size / 1_048_576).toFixed(1)} MiB), ${copy.ledger + 1} negotiation(s), ${copy.migrations} migration(s), integrity ok\n`,
      );
      expect(readdirSync(dir).sort()).toEqual(['copy.db', 'live']);
    },
    90_000,
  );

  it('is not blocked by an open write transaction and leaves it out of the copy', async () => {
    const holder = await startChild(HOLDER, 'holding');
    const file = join(dir, 'copy.db');
    const result = await backupCommand([file]);
    const committed = new Promise<void>((resolve) =>
      holder.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('committed')) resolve();
      }),
    );
    holder.stdin?.write('commit\n');
    await committed;

    expect(result.code).toBe(0);
    expect(readCopy(file).ledger).toBe(0);
    expect(committedWrites()).toBe(-1);
  }, 60_000);

  it('keeps an existing file unless --force, and replaces it with --force', async () => {
    const file = join(dir, 'copy.db');
    writeFileSync(file, 'an older backup\n');

    const refused = await backupCommand([file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already exists (pass --force to replace it)');
    expect(readFileSync(file, 'utf8')).toBe('an older backup\n');

    const forced = await backupCommand([file, '--force']);
    expect(forced.code).toBe(0);
    expect(readCopy(file)).toMatchObject({ integrity: 'ok', ledger: 0, ids: [] });
    expect(readdirSync(dir).sort()).toEqual(['copy.db', 'live']);
  }, 60_000);

  it('exits 2 on bad arguments, writing nothing', () => {
    const env = { DATABASE_PATH: dbPath };
    const cases: [string[], RegExp][] = [
      [[], /name one FILE/],
      [[join(dir, 'a.db'), join(dir, 'b.db')], /name one FILE/],
      [['--zip', join(dir, 'a.db')], /Unknown option '--zip'/],
      [[join(dir, 'missing', 'a.db')], /missing does not exist/],
      [[dbPath], /is the live database/],
      [[dir], /is a directory/],
    ];
    for (const [args, message] of cases) {
      const result = negotiator(['backup', ...args], env);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect(readdirSync(dir)).toEqual(['live']);
  }, 60_000);

  it('exits 1 when DATABASE_PATH is missing or not a migrated negotiator database', () => {
    const file = join(dir, 'copy.db');
    const missing = negotiator(['backup', file], { DATABASE_PATH: join(dir, 'nope.db') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.db \(DATABASE_PATH\) does not exist/);

    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('create table notes (id integer primary key, text text)');
    db.close();
    const foreign = negotiator(['backup', file], { DATABASE_PATH: other });
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/not a migrated negotiator database/);
    expect(readdirSync(dir).sort()).toEqual(['live', 'other.db']);
  }, 60_000);
});
