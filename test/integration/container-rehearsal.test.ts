/**
 * The image rehearsed without a Docker engine (DEPLOY-01): the Dockerfile's stages are replayed
 * into a temporary root (its COPY lines through `.dockerignore`, its build command run as written,
 * see test/support/container.ts), the application files are made read-only, and only the VOLUME
 * folder is writable, owned by the image's USER. Then the image's CMD runs as that user, with the
 * image's ENV plus a sandbox configuration, until the service is ready; the image's HEALTHCHECK
 * command, exactly as written, passes; SIGTERM stops it with exit 0; and no file outside the data
 * folder was written.
 *
 * As root (here and in CI) the service runs as the image's uid and gid through setpriv; as anyone
 * else it runs as that user, who is not root either. tini (the image's entrypoint) is not on this
 * machine: the CMD gets the signal directly, as tini would pass it on.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { startEmulator } from '../../src/sandbox/server.js';
import {
  dockerignoreMatcher,
  type FileState,
  fileStates,
  numericUser,
  parseDockerfile,
  type RehearsedImage,
  rehearseImage,
} from '../support/container.js';

const repo = projectRoot();
const isRoot = process.getuid?.() === 0;
const dockerfile = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const volume = dockerfile.final.steps.flatMap((s) => (s.kind === 'volume' ? s.paths : []))[0];

let workspace: string;
let image: RehearsedImage;
let dataDir: string;
let sandbox: Sandbox;
let port: number;
let before: Map<string, FileState>;
let service: ReturnType<typeof start> | undefined;
const timings: Record<string, number> = {};

/** Runs `argv` (argv[0] `node` is this Node) as the image's user, in its WORKDIR, with `env`. */
function asImageUser(argv: string[], env: Record<string, string>) {
  const [program = '', ...args] = argv;
  const node = program === 'node' ? process.execPath : program;
  const user = numericUser(dockerfile.final.user);
  const command =
    isRoot && user
      ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', node]
      : [node];
  const [file = '', ...prefix] = command;
  return spawn(file, [...prefix, ...args], {
    cwd: image.path(dockerfile.final.workdir),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The image's ENV (absolute paths moved into the rehearsal root), as Docker would set it. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${join(process.execPath, '..')}:/usr/local/bin:/usr/bin:/bin`,
    HOME: image.path('/nonexistent'),
  };
  for (const [name, value] of Object.entries(dockerfile.final.env))
    env[name] = value.startsWith('/') ? image.path(value) : value;
  return env;
}

function start() {
  const child = asImageUser(dockerfile.final.cmd ?? [], {
    ...imageEnv(),
    ...sandbox.env(),
    DATABASE_PATH: image.path(dockerfile.final.env.DATABASE_PATH ?? ''),
    PORT: String(port),
  });
  const lines: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
  child.stderr?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

/** The exit code of a short command run as the image's user. */
function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** The image's HEALTHCHECK, exactly as written, with the container's environment. */
function healthcheck(): Promise<number | null> {
  return exitCode(
    asImageUser(dockerfile.final.healthcheck?.command ?? [], { ...imageEnv(), PORT: String(port) }),
  );
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const status = async (path: string) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
  } catch {
    return 0;
  }
};

beforeAll(async () => {
  expect(volume, 'the Dockerfile declares a VOLUME').toBeDefined();
  workspace = mkdtempSync(join(tmpdir(), 'negotiator-image-'));
  // mkdtemp makes the folder private to its owner: the image's user must be able to enter it.
  chmodSync(workspace, 0o755);
  const started = performance.now();
  image = rehearseImage({
    dockerfile,
    context: repo,
    ignored: dockerignoreMatcher(readFileSync(join(repo, '.dockerignore'), 'utf8')),
    installedModules: join(repo, 'node_modules'),
    into: workspace,
  });
  Object.assign(timings, image.timings, { rehearsal: Math.round(performance.now() - started) });

  const probe = await startEmulator(new Hono());
  port = probe.port;
  await probe.close();
  dataDir = image.path(volume ?? '/data');
  // The credential files go on the volume, as in production (GOOGLE_SERVICE_ACCOUNT_FILE).
  sandbox = await startSandbox({ servicePort: port, dataDir, seed: 11 });

  // What the image's RUN lines and COPY ownership give: root's files, nobody else may write them,
  // and the data folder belongs to the USER.
  execFileSync('chmod', ['-R', 'a-w', image.root]);
  execFileSync('chmod', ['-R', 'u+w', dataDir]);
  const user = numericUser(dockerfile.final.user);
  if (isRoot && user) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dataDir]);
  before = fileStates(image.root, [dataDir]);
}, 180_000);

afterAll(async () => {
  service?.child.kill('SIGKILL');
  await sandbox?.close();
  if (workspace) {
    execFileSync('chmod', ['-R', 'u+w', workspace]);
    rmSync(workspace, { recursive: true, force: true });
  }
  console.warn(`container rehearsal timings (ms): ${JSON.stringify(timings)}`);
});

describe('the image, rehearsed from the Dockerfile', () => {
  it('holds the runtime files the Dockerfile copies and nothing from the build or the checkout', () => {
    for (const path of ['package.json', 'dist/src/cli/main.js', 'dist/src/instrument.js'])
      expect(existsSync(image.path(`/app/${path}`)), path).toBe(true);
    expect(existsSync(image.path('/app/node_modules/better-sqlite3'))).toBe(true);
    // Pruned: no dev dependency, no TypeScript sources, no tests, no local configuration.
    for (const path of ['node_modules/typescript', 'node_modules/vitest', 'src', 'test', '.env'])
      expect(existsSync(image.path(`/app/${path}`)), path).toBe(false);
  });

  it('lets the image’s user write the data folder and nothing else', async () => {
    const write = (file: string) =>
      exitCode(
        asImageUser(['node', '-e', `require('fs').writeFileSync(${JSON.stringify(file)}, 'x')`], {
          ...imageEnv(),
        }),
      );
    expect(await write(join(dataDir, 'probe'))).toBe(0);
    rmSync(join(dataDir, 'probe'));
    expect(await write(image.path('/app/package.json'))).not.toBe(0);
    expect(await write(image.path('/app/new-file'))).not.toBe(0);
  });

  it('serves, passes its HEALTHCHECK, stops on SIGTERM with 0, and writes only to /data', async () => {
    const healthStarted = performance.now();
    const run = start();
    service = run;
    await until('the service to be ready', async () => {
      if (run.child.exitCode !== null) throw new Error(`exited early:\n${run.lines.join('\n')}`);
      return (await status('/ready')) === 200;
    });
    timings.ready = Math.round(performance.now() - healthStarted);
    expect(await healthcheck()).toBe(0);
    expect(await status('/health')).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exited, run.lines.join('\n')).toBe(0);
    const log = run.lines.join('\n');
    expect(log).toContain('"msg":"negotiator stopped"');
    expect(log).not.toMatch(/EACCES|EROFS|EPERM/);

    // The check fails when nothing answers, so its pass above meant something.
    expect(await healthcheck()).toBe(1);

    // The database is where the image says, created by the image's user.
    const database = statSync(image.path(dockerfile.final.env.DATABASE_PATH ?? ''));
    const user = numericUser(dockerfile.final.user);
    if (isRoot) expect([database.uid, database.gid]).toEqual([user?.uid, user?.gid]);
    const after = fileStates(image.root, [dataDir]);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (path) => JSON.stringify(before.get(path)) !== JSON.stringify(after.get(path)),
    );
    expect(changed).toEqual([]);
  }, 90_000);
});
