import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openMigratedDatabase } from '../../src/db/open.js';
import * as schema from '../../src/db/schema.js';
import { projectRoot } from '../../src/paths.js';
import { openTestDatabase } from '../support/db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'negotiator-db-'));
  dirs.push(dir);
  return dir;
}

const tables: SQLiteTable[] = Object.values(schema).filter((v: unknown) => is(v, SQLiteTable));

describe('schema and migrations', () => {
  it('drizzle-kit finds nothing to generate: the committed migrations match the schema', () => {
    // drizzle-kit prefixes "./" to --out, so the copy must live under the project, by a relative path.
    const out = join('node_modules', '.cache', `migrations-check-${process.pid}-${Date.now()}`);
    dirs.push(join(projectRoot(), out));
    cpSync(MIGRATIONS_FOLDER, join(projectRoot(), out), { recursive: true });
    const before = readdirSync(join(projectRoot(), out)).sort();
    const result = spawnSync(
      join(projectRoot(), 'node_modules', '.bin', 'drizzle-kit'),
      ['generate', '--dialect', 'sqlite', '--schema', './src/db/schema.ts', '--out', out],
      { cwd: projectRoot(), encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/No schema changes/);
    expect(readdirSync(join(projectRoot(), out)).sort()).toEqual(before);
  });

  it('a migrated database has exactly the tables and columns of the schema', () => {
    const { sqlite, close } = openTestDatabase();
    const actual = sqlite
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like '\\_\\_%' escape '\\' and name not like 'sqlite_%' order by name",
      )
      .all() as Array<{ name: string }>;
    expect(actual.map((t) => t.name)).toEqual(tables.map((t) => getTableConfig(t).name).sort());
    for (const table of tables) {
      const config = getTableConfig(table);
      const columns = sqlite.prepare(`pragma table_info(${config.name})`).all() as Array<{
        name: string;
        notnull: number;
      }>;
      expect(columns.map((c) => c.name).sort(), config.name).toEqual(
        config.columns.map((c) => c.name).sort(),
      );
      for (const column of config.columns) {
        const found = columns.find((c) => c.name === column.name);
        expect(
          Boolean(found?.notnull) || column.primary,
          `${config.name}.${column.name} not null`,
        ).toBe(column.notNull);
      }
    }
    close();
  });

  it('migrating twice is a no-op', () => {
    const dir = tempDir();
    const path = join(dir, 'n.db');
    openMigratedDatabase({ path }).close();
    const again = openMigratedDatabase({ path });
    const n = again.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as {
      n: number;
    };
    expect(n.n).toBe(readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length);
    again.close();
  });
});

describe('database pragmas', () => {
  it('opens a file database in WAL with FULL sync, foreign keys and a busy timeout', () => {
    const { sqlite, close } = openMigratedDatabase({ path: join(tempDir(), 'sub', 'n.db') });
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    close();
  });

  it('honours synchronous=NORMAL when configured', () => {
    const { sqlite, close } = openMigratedDatabase({
      path: join(tempDir(), 'n.db'),
      synchronous: 'NORMAL',
      busyTimeoutMs: 100,
    });
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(100);
    close();
  });

  it('enforces the constraints the data model relies on', () => {
    const { db, close } = openTestDatabase();
    const now = 1_700_000_000_000;
    expect(() =>
      db
        .insert(schema.transitions)
        .values({
          negotiationId: 'missing',
          seq: 1,
          eventType: 'X',
          eventJson: '{}',
          fromState: 'a',
          toState: 'b',
          at: now,
        })
        .run(),
    ).toThrow(/FOREIGN KEY/);
    const negotiation = {
      id: 'neg_1',
      threadId: 't1',
      influencerEmail: 'a@b.c',
      platform: 'instagram',
      state: 'initialOffer',
      status: 'active' as const,
      machineVersion: 1,
      snapshotJson: '{}',
      seq: 0,
      createdAt: now,
      updatedAt: now,
    };
    db.insert(schema.negotiations).values(negotiation).run();
    expect(() =>
      db
        .insert(schema.negotiations)
        .values({ ...negotiation, id: 'neg_2' })
        .run(),
    ).toThrow(/UNIQUE/);
    expect(() =>
      db
        .insert(schema.negotiations)
        .values({ ...negotiation, id: 'neg_3', threadId: 't3', status: 'weird' as 'active' })
        .run(),
    ).toThrow(/CHECK/);
    const row = {
      key: 'neg_1:sendEmail:1',
      negotiationId: 'neg_1',
      kind: 'sendEmail',
      payloadJson: '{}',
      status: 'pending' as const,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    };
    db.insert(schema.outbox).values(row).run();
    expect(() => db.insert(schema.outbox).values(row).run()).toThrow(/UNIQUE/);
    db.insert(schema.inbox).values({ source: 'gmail', externalId: 'm1', receivedAt: now }).run();
    expect(() =>
      db.insert(schema.inbox).values({ source: 'gmail', externalId: 'm1', receivedAt: now }).run(),
    ).toThrow(/UNIQUE|PRIMARY/);
    close();
  });
});
