import { loadConfig } from '../../config.js';
import { openMigratedDatabase } from '../../db/open.js';
import type { Command } from '../command.js';

export const runMigrate: Command = {
  name: 'migrate',
  summary: 'apply database migrations to DATABASE_PATH (also done at every start)',
  usage:
    'Usage: negotiator migrate\n\nApplies every pending migration to the database at DATABASE_PATH.',
  async run(_args, io) {
    const config = loadConfig();
    const { sqlite, close } = openMigratedDatabase(config.database);
    const applied = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as {
      n: number;
    };
    close();
    io.stdout.write(
      `${config.database.path}: ${applied.n} migration(s) applied, schema up to date\n`,
    );
    return 0;
  },
};
