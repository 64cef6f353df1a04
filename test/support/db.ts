import { type OpenDatabase, openMigratedDatabase } from '../../src/db/open.js';

/** A fresh, fully migrated in-memory database for one test. */
export function openTestDatabase(): OpenDatabase {
  return openMigratedDatabase({ path: ':memory:' });
}
