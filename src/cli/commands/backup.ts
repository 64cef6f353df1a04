/**
 * `negotiator backup FILE`: a consistent copy of DATABASE_PATH, taken while the service runs
 * (DEPLOY-02). The copy is verified before it is put in place; see src/db/backup.ts for how.
 */
import { loadConfig } from '../../config.js';
import { backupDatabase } from '../../db/backup.js';
import { type Command, CommandError, parseOptions } from '../command.js';

const USAGE = `Usage: negotiator backup FILE [--force]

Copies the database at DATABASE_PATH to FILE while the service keeps running: a snapshot of
every committed transaction, checked with integrity_check before it is renamed into place.
FILE is relative to the current directory. Prints the path, the size and the number of
negotiations in the copy.

To restore: stop the service, replace DATABASE_PATH with the copy (and delete the old
DATABASE_PATH-wal and DATABASE_PATH-shm files), start the service.

Options:
  --force   replace FILE if it exists

Exit codes: 0 when the copy is in place, 2 for bad arguments (FILE missing, exists without
--force, in a folder that does not exist), 1 when the copy could not be made or verified.`;

export const runBackup: Command = {
  name: 'backup',
  summary: 'copy the database to a file while the service runs, verified (integrity_check)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      { force: { type: 'boolean', default: false } },
      true,
    );
    if (positionals.length !== 1 || !positionals[0]?.trim())
      throw new CommandError('name one FILE to write the backup to');
    const config = loadConfig();
    if (config.database.path === ':memory:')
      throw new CommandError('DATABASE_PATH is :memory:, there is no file to back up', 1);
    const outcome = await backupDatabase({
      source: config.database.path,
      destination: positionals[0],
      overwrite: values.force,
      busyTimeoutMs: config.database.busyTimeoutMs,
    });
    if (!outcome.ok) throw new CommandError(outcome.message, outcome.kind === 'argument' ? 2 : 1);
    io.stdout.write(
      `${outcome.path}: ${outcome.bytes} bytes (${megabytes(outcome.bytes)}), ${outcome.negotiations} negotiation(s), ${outcome.migrations} migration(s), integrity ok\n`,
    );
    return 0;
  },
};

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;
