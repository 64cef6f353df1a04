/**
 * The container's definition, checked without a Docker engine (DEPLOY-01, DEPLOY-02): the
 * Dockerfile parsed by dockerfile-ast and validated by dockerfile-utils, `.dockerignore` read with
 * Docker's matching rules, and docker-compose.yml parsed as YAML. What the service reads at run
 * time is taken from the code (config defaults, the migrations folder), not restated here;
 * container-rehearsal.test.ts then starts the service from the files this Dockerfile copies.
 *
 * Longer than most test files because the three files are checked against each other (the
 * compose health check is the image's, its volume is the image's VOLUME, and so on).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { MIGRATIONS_FOLDER } from '../../src/db/open.js';
import { parseDuration } from '../../src/domain/duration.js';
import { projectRoot } from '../../src/paths.js';
import {
  dockerignoreMatcher,
  numericUser,
  parseDockerfile,
  type Step,
} from '../support/container.js';

const root = projectRoot();
const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerfile = parseDockerfile(text);
const { final } = dockerfile;
const ignoreText = readFileSync(join(root, '.dockerignore'), 'utf8');
const ignored = dockerignoreMatcher(ignoreText);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const defaults = loadConfig({ env: {}, envFile: null });

const copies = (steps: Step[]) =>
  steps.filter((s): s is Extract<Step, { kind: 'copy' }> => s.kind === 'copy');
const volumes = final.steps.flatMap((s) => (s.kind === 'volume' ? s.paths : []));
const finalRuns = final.steps.flatMap((s) => (s.kind === 'run' ? [s.command] : []));

describe('Dockerfile', () => {
  it('is a Dockerfile Docker accepts (no error from dockerfile-utils)', () => {
    const errors = dockerfile.problems.filter((p) => p.severity === 1);
    expect(errors.map((e) => `line ${e.range.start.line + 1}: ${e.message}`)).toEqual([]);
  });

  it('builds in a node:20 stage and runs from a slim node:20 stage', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) expect(stage.image).toMatch(/^node:20(\.\d+)*-/);
    expect(final.image).toMatch(/slim/);
    const earlier = dockerfile.stages.slice(0, -1).map((s) => s.name);
    const fromEarlier = copies(final.steps).filter((c) => c.from !== null);
    expect(fromEarlier.length).toBeGreaterThan(0);
    for (const copy of fromEarlier) expect(earlier).toContain(copy.from);
  });

  it('runs as a numeric user that is not root', () => {
    const user = numericUser(final.user);
    expect(user, `USER ${final.user} should be uid:gid`).not.toBeNull();
    expect(user?.uid).not.toBe(0);
    expect(user?.gid).not.toBe(0);
  });

  it('keeps the database on the /data volume, owned by that user', () => {
    expect(volumes).toEqual(['/data']);
    expect(final.env.DATABASE_PATH).toBe('/data/negotiator.db');
    const user = numericUser(final.user);
    const chown = new RegExp(`chown\\s+(-R\\s+)?${user?.uid}:${user?.gid}\\s+/data(\\s|$)`);
    expect(finalRuns.some((run) => chown.test(run))).toBe(true);
  });

  it('sets production and the port, and exposes that port', () => {
    expect(final.env.NODE_ENV).toBe('production');
    expect(final.env.PORT).toBe(String(defaults.port));
    expect(final.exposed).toEqual([final.env.PORT]);
  });

  it('checks /health with node on the configured PORT, never with curl or wget', () => {
    const check = final.healthcheck;
    expect(check?.form).toBe('exec');
    const [program, flag, code = ''] = check?.command ?? [];
    expect([program, flag]).toEqual(['node', '-e']);
    expect(() => new Script(code)).not.toThrow();
    expect(code).toContain('process.env.PORT');
    expect(code).toContain('/health');
    expect(code).toContain('127.0.0.1');
    for (const name of ['interval', 'timeout', 'start-period', 'retries'])
      expect(check?.options, name).toHaveProperty(name);
    const ms = (name: string) => parseDuration(check?.options[name] ?? '') ?? Number.NaN;
    expect(ms('timeout')).toBeLessThan(ms('interval'));
    // The request gives up before Docker's timeout kills the check.
    const abortMs = Number(/AbortSignal\.timeout\((\d+)\)/.exec(code)?.[1]);
    expect(abortMs).toBeLessThan(ms('timeout'));
    const instructions = text.replace(/^\s*#.*$/gm, '');
    expect(instructions).not.toMatch(/\b(curl|wget)\b/);
  });

  it('starts what `npm start` starts, under tini as PID 1', () => {
    expect(final.cmd).toEqual(manifest.scripts.start?.split(/\s+/));
    expect(final.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(finalRuns.some((run) => /apt-get install\b[^&]*\btini\b/.test(run))).toBe(true);
    expect(final.stopSignal ?? 'SIGTERM').toBe('SIGTERM');
  });

  it('downloads nothing with ADD and copies named paths only, no secrets', () => {
    expect(dockerfile.stages.flatMap((s) => s.adds)).toEqual([]);
    const secret = /(^|\/)(\.env|secrets?|credentials?)|\.(pem|key|p12)$|service-account/i;
    for (const stage of dockerfile.stages)
      for (const copy of copies(stage.steps))
        for (const source of copy.sources) {
          expect(source, `line ${copy.line}`).not.toMatch(secret);
          expect(posix.normalize(source), `line ${copy.line} copies the whole context`).not.toBe(
            '.',
          );
          expect(source, `line ${copy.line}`).not.toMatch(/[*?[]/);
        }
  });

  it('copies into the image everything the service reads at run time', () => {
    const fromRoot = (path: string) => relative(root, path);
    const needed = [
      'package.json', // how src/paths.ts finds the project root; the release version
      'dist',
      'node_modules',
      fromRoot(MIGRATIONS_FOLDER),
      fromRoot(defaults.configDir),
      fromRoot(defaults.knowledgeBaseDir),
    ];
    const destinations = copies(final.steps).map((c) => c.dest.replace(/\/$/, ''));
    for (const path of needed) expect(destinations).toContain(posix.join(final.workdir, path));
    // The start command's scripts are inside what is copied.
    const topFolder = (file: string) => posix.normalize(file).split('/')[0] ?? '';
    for (const file of (final.cmd ?? []).filter((a) => a.endsWith('.js')))
      expect(destinations).toContain(posix.join(final.workdir, topFolder(file)));
  });
});

describe('.dockerignore', () => {
  it('follows Docker’s rules (last match wins, ! re-includes, ** spans folders)', () => {
    const rules = dockerignoreMatcher('data\n**/*.db\n!keep/*.db\n*.md\n');
    expect(rules('data/sub/x.txt')).toBe(true);
    expect(rules('deep/down/x.db')).toBe(true);
    expect(rules('keep/x.db')).toBe(false);
    expect(rules('README.md')).toBe(true);
    expect(rules('docs/README.md')).toBe(false);
    expect(rules('database/x.txt')).toBe(false);
  });

  it('keeps secrets, local data and what the image builds itself out of the context', () => {
    for (const path of [
      '.env',
      '.env.production',
      'config/.env',
      'secrets/gmail.json',
      'credentials/service-account.json',
      'service-account.json',
      'tls/server.key',
      'data/negotiator.db',
      'negotiator.db-wal',
      'backups/negotiator-2025-01-01.db',
      'test/integration/dockerfile.test.ts',
      '.git/HEAD',
      'node_modules/zod/package.json',
      'dist/src/main.js',
      'coverage/index.html',
    ])
      expect(ignored(path), path).toBe(true);
  });

  it('lets in every tracked file that the Dockerfile copies from the context', () => {
    const sources = dockerfile.stages.flatMap((s) =>
      copies(s.steps).flatMap((c) => (c.from === null ? c.sources : [])),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      const files = trackedFiles(source);
      expect(files.length, source).toBeGreaterThan(0);
      expect(files.filter(ignored), `${source}: files left out`).toEqual([]);
    }
  });
});

/** Files under `path` that git tracks, or every file when this is not a git checkout. */
function trackedFiles(path: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--', path], {
      cwd: root,
      encoding: 'utf8',
    });
    return out.split('\0').filter(Boolean);
  } catch {
    if (!statSync(join(root, path)).isDirectory()) return [path];
    const all = readdirSync(join(root, path), { recursive: true, withFileTypes: true });
    return all.filter((d) => d.isFile()).map((d) => relative(root, join(d.parentPath, d.name)));
  }
}

interface ComposeService {
  image?: string;
  restart?: string;
  env_file?: string | string[] | Array<{ path: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: Record<string, unknown> & { test?: string[] };
  stop_grace_period?: string;
  init?: boolean;
  logging?: { driver?: string; options?: Record<string, string> };
}

describe('docker-compose.yml', () => {
  const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const compose = parseYaml(composeText) as {
    services: Record<string, ComposeService>;
    volumes?: Record<string, unknown>;
  };
  const service = compose.services.negotiator ?? {};
  /** Compose's `${VAR:-default}` with nothing set, as on a VM whose .env leaves it out. */
  const interpolate = (s: string) =>
    s.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, _name, fallback = '') => fallback);

  it('runs the GHCR image at NEGOTIATOR_VERSION, with a commented build alternative', () => {
    expect(service.image).toMatch(/^ghcr\.io\/[^/]+\/negotiator:\$\{NEGOTIATOR_VERSION:-latest\}$/);
    expect(composeText).toMatch(/^\s*# build: \.$/m);
  });

  it('mounts a named volume at the image’s data folder, where the database is', () => {
    expect(service.volumes).toContain(`negotiator-data:${volumes[0]}`);
    expect(compose.volumes).toHaveProperty('negotiator-data');
    const databasePath = service.environment?.DATABASE_PATH ?? final.env.DATABASE_PATH ?? '';
    expect(databasePath.startsWith(`${volumes[0]}/`)).toBe(true);
  });

  it('reads .env, restarts unless stopped, and rotates its logs', () => {
    const envFiles = [service.env_file ?? []]
      .flat()
      .map((f) => (typeof f === 'string' ? f : f.path));
    expect(envFiles).toEqual(['.env']);
    expect(service.restart).toBe('unless-stopped');
    expect(service.logging?.driver).toBe('json-file');
    expect(service.logging?.options).toHaveProperty('max-size');
    expect(Number(service.logging?.options?.['max-file'])).toBeGreaterThan(1);
  });

  it('checks health exactly as the image does', () => {
    expect(service.healthcheck?.test).toEqual(['CMD', ...(final.healthcheck?.command ?? [])]);
    for (const name of ['interval', 'timeout', 'start_period', 'retries'])
      expect(service.healthcheck, name).toHaveProperty(name);
  });

  it('gives a stop more time than the service’s default shutdown deadline', () => {
    const grace = parseDuration(service.stop_grace_period ?? '') ?? 0;
    expect(grace).toBeGreaterThan(defaults.shutdownTimeoutMs);
  });

  it('publishes the port the service listens on, and forwards signals through one init', () => {
    const port = service.environment?.PORT ?? final.env.PORT;
    expect(port).toBe(final.env.PORT);
    const published = (service.ports ?? []).map((p) => interpolate(p).split(':').at(-1));
    expect(published).toEqual([port]);
    // tini in the image, or Docker's init: one of them, not both.
    expect(Boolean(service.init) !== (final.entrypoint?.[0] === '/usr/bin/tini')).toBe(true);
  });
});
