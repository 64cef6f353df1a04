import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { negotiator } from '../support/cli.js';

const EXAMPLE = [
  'explain-price',
  '--views',
  '50000',
  '--platform',
  'instagram',
  '--deliverables',
  'reel:1,story:2',
  '--cpm-target',
  '20',
  '--leniency',
  '50',
  '--round',
  '2',
];

describe('negotiator', () => {
  it('lists its subcommands with --help', () => {
    const { code, stdout } = negotiator(['--help']);
    expect(code).toBe(0);
    for (const name of ['explain-price', 'audit', 'migrate', 'check-config'])
      expect(stdout).toContain(name);
  });

  it('rejects an unknown command with exit code 2', () => {
    const { code, stderr } = negotiator(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('negotiator explain-price', () => {
  it('prints the decision as snake_case JSON', () => {
    const { code, stdout } = negotiator([
      ...EXAMPLE,
      '--ask',
      '3100',
      '--previous-offer',
      '2750',
      '--json',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      decision: 'counter',
      offer_cents: 302_500,
      floor_cents: 220_000,
      ceiling_cents: 330_000,
      planned_cents: 302_500,
      round: 2,
      ask_cents: 310_000,
      escalation: null,
    });
    expect(json.reasons.join('\n')).toMatch(/75% of the gap/);
  });

  it('explains an escalation in readable text', () => {
    const { code, stdout } = negotiator([...EXAMPLE, '--ask', '$9,000']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/decision: escalate — no offer: a person decides/);
    expect(stdout).toMatch(/over_ceiling, suggested \$3,300\.00/);
  });

  it('gives a one-line error and exit code 2 for bad arguments', () => {
    const { code, stderr } = negotiator([
      'explain-price',
      '--views',
      'lots',
      '--platform',
      'myspace',
      '--deliverables',
      'reel',
      '--ask',
      '€5',
    ]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/--views "lots"/);
    expect(stderr).toMatch(/--platform "myspace"/);
    expect(stderr).toMatch(/--ask: "€5" is not in US dollars/);
  });

  it('rejects unknown options and deliverables of another platform', () => {
    expect(negotiator([...EXAMPLE, '--bogus']).code).toBe(2);
    const wrong = negotiator([
      'explain-price',
      '--views',
      '1k',
      '--platform',
      'tiktok',
      '--deliverables',
      'reel:1',
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /"reel" is not a tiktok deliverable \(expected one of: video, story\)/,
    );
  });

  it('fails clearly when the configuration files are missing', () => {
    const { code, stderr } = negotiator(EXAMPLE, { CONFIG_DIR: '/nonexistent' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/\/nonexistent\/rate-card\.yaml is invalid/);
  });
});

describe('negotiator migrate and check-config', () => {
  it('migrates a new database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'negotiator-cli-'));
    const { code, stdout } = negotiator(['migrate'], { DATABASE_PATH: join(dir, 'db', 'n.db') });
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
    const shipped = readdirSync(join(projectRoot(), 'migrations')).filter((f) =>
      f.endsWith('.sql'),
    );
    expect(shipped.length).toBeGreaterThan(1);
    expect(stdout).toContain(`${shipped.length} migration(s) applied`);
  });

  it('reports configuration problems with exit code 78, and passes the shipped files', () => {
    const { code, stderr } = negotiator(['check-config'], {
      PORT: 'x',
      CONFIG_DIR: '/nonexistent',
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/PORT/);
    // No credentials here: those are reported (exit 78), the shipped YAML files pass.
    const bare = negotiator(['check-config', '--json']);
    expect(bare.code).toBe(78);
    expect(JSON.parse(bare.stdout).passed).toContainEqual(
      expect.objectContaining({ what: 'Configuration files' }),
    );
  });

  it('reports a broken model-prices.yaml and knowledge base, which serve would refuse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'negotiator-cli-'));
    try {
      cpSync(join(projectRoot(), 'config'), join(dir, 'config'), { recursive: true });
      cpSync(join(projectRoot(), 'knowledge-base'), join(dir, 'kb'), { recursive: true });
      writeFileSync(join(dir, 'config', 'model-prices.yaml'), 'models:\n  claude-x: {input: 1}\n');
      writeFileSync(
        join(dir, 'kb', 'broken.md'),
        '---\ntitle: Broken\nstage: nowhere\n---\nText\n',
      );
      const run = negotiator(['check-config', '--json'], {
        CONFIG_DIR: join(dir, 'config'),
        KNOWLEDGE_BASE_DIR: join(dir, 'kb'),
      });
      expect(run.code).toBe(78);
      const whats = (JSON.parse(run.stdout).problems as Array<{ what: string }>).map((p) => p.what);
      expect(whats).toContainEqual(expect.stringContaining('model prices (model-prices.yaml)'));
      expect(whats).toContainEqual(expect.stringContaining('knowledge base in'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
