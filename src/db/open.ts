import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { projectRoot } from '../paths.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface DatabaseOptions {
  /** A file path, or ":memory:". */
  path: string;
  /** FULL survives power loss; NORMAL only a process crash (see README). */
  synchronous?: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
}

export interface OpenDatabase {
  sqlite: Database.Database;
  db: Db;
  close(): void;
}

/** Opens the database with the pragmas the durability guarantees rely on. */
export function openDatabase(options: DatabaseOptions): OpenDatabase {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new Database(options.path);
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (options.path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  return { sqlite, db, close: () => sqlite.close() };
}

export const MIGRATIONS_FOLDER = join(projectRoot(), 'migrations');

/** Applies every migration not yet applied; safe to call on every start. */
export function migrateDatabase(db: Db, migrationsFolder: string = MIGRATIONS_FOLDER): void {
  migrate(db, { migrationsFolder });
}

/** Opens and migrates in one step: what the service, the CLI and the tests use. */
export function openMigratedDatabase(options: DatabaseOptions): OpenDatabase {
  const opened = openDatabase(options);
  try {
    migrateDatabase(opened.db);
  } catch (error) {
    opened.close();
    throw error;
  }
  return opened;
}
