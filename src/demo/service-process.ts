/**
 * `negotiator serve` as a child process, exactly as production starts it, with its log lines
 * written to a file: the demo talks to it only over HTTP, the sandbox and its database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../paths.js';

export interface ServeCommand {
  command: string;
  args: string[];
}

/**
 * The CLI this module belongs to: `dist/src/cli/main.js` when built, the TypeScript entry through
 * tsx when the demo itself runs from source (the tests).
 */
export function defaultServeCommand(): ServeCommand {
  const fromSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(`../cli/main.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return {
    command: process.execPath,
    args: [...(fromSource ? ['--import', 'tsx'] : []), main, 'serve'],
  };
}

/** A free loopback port: the sandbox must know the service's port before the service starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  /** The exit code once it has exited (null after a signal), else undefined. */
  exitCode(): number | null | undefined;
  /** Waits for /ready to answer 200; rejects when the process exits first or `ms` pass. */
  ready(ms: number): Promise<void>;
  /** SIGTERM, then the exit code; SIGKILL after `ms` (and null). */
  stop(ms: number): Promise<number | null>;
}

export function startServiceProcess(options: {
  command: ServeCommand;
  env: Record<string, string>;
  port: number;
  logFile: string;
}): ServiceProcess {
  const log = createWriteStream(options.logFile);
  const child = spawn(options.command.command, options.command.args, {
    cwd: projectRoot(),
    // Only what the service needs: nothing from the caller's environment leaks into the demo.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (exitCode) => {
      code = exitCode;
      // Let the pipes drain into the file before closing it.
      setImmediate(() => log.end());
      resolve(exitCode);
    }),
  );

  async function ready(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (code !== undefined)
        throw new Error(`negotiator serve exited with code ${code} before it was ready`);
      try {
        const response = await fetch(`http://127.0.0.1:${options.port}/ready`);
        await response.body?.cancel();
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`negotiator serve was not ready within ${ms / 1000} s`);
  }

  async function stop(ms: number): Promise<number | null> {
    if (code !== undefined) return code;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const exitCode = await exited;
    clearTimeout(timer);
    return exitCode;
  }

  return { child, exited, exitCode: () => code, ready, stop };
}
