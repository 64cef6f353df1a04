#!/usr/bin/env node
/** The `negotiator` command: a thin dispatcher over the subcommands in ./commands. */
import { CommandError } from './command.js';
import { COMMANDS } from './commands.js';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: negotiator <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `negotiator <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`negotiator: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, { stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    if (error instanceof CommandError) {
      process.stderr.write(`negotiator ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`negotiator ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
