import type { Writable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';

export interface CommandIO {
  stdout: Writable;
  stderr: Writable;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code. Throws {@link CommandError} for a clear one-line failure. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** A failure the user can fix; exit code 2 for bad arguments, 1 otherwise. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** A whole-number option in a range; undefined when absent. Throws CommandError otherwise. */
export function wholeOption(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max)
    throw new CommandError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** node:util parseArgs with unknown or malformed options reported as a CommandError. */
export function parseOptions<O extends ParseArgsConfig['options']>(
  args: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
}
