import type { Writable } from 'node:stream';

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
