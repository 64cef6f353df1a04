/**
 * The files the README hands to operators: the Prometheus alert rules pass `promtool check rules`
 * and name only metrics the service exports; the sample influencer sheet is read by the same
 * parser as the real sheet, every row usable.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../src/db/open.js';
import { parseInfluencerTable } from '../../src/domain/influencer.js';
import { registerBusinessMetrics } from '../../src/observability/business-metrics.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { resolveFromRoot } from '../../src/paths.js';

const ALERTS = resolveFromRoot('docs/prometheus-alerts.yml');
const promtoolFound = !spawnSync('promtool', ['--version']).error;

describe('docs/prometheus-alerts.yml', () => {
  it.skipIf(!promtoolFound && !process.env.CI)('passes promtool check rules', () => {
    const result = spawnSync('promtool', ['check', 'rules', ALERTS], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.status).toBe(0);
  });

  it('names only metrics the service exports', async () => {
    const database = openMigratedDatabase({ path: ':memory:' });
    try {
      const metrics = createMetrics({ defaults: false });
      registerBusinessMetrics(metrics.registry, database.sqlite);
      const exported = new Set(
        (await metrics.registry.getMetricsAsJSON()).flatMap((m) =>
          String(m.type) === 'histogram'
            ? [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]
            : [m.name],
        ),
      );
      const used = new Set(
        [...readFileSync(ALERTS, 'utf8').matchAll(/\b((?:negotiator|http)_[a-z_]+)/g)].map(
          (m) => m[1] ?? '',
        ),
      );
      expect(used.size).toBeGreaterThan(5);
      expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    } finally {
      database.close();
    }
  });
});

describe('docs/sample-influencer-sheet.csv', () => {
  it('is read by the sheet parser with every row usable', () => {
    const rows = readFileSync(resolveFromRoot('docs/sample-influencer-sheet.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    const table = parseInfluencerTable(rows, { tab: 'Influencers' });
    expect(table.problems).toEqual([]);
    expect(table.rejected).toEqual([]);
    expect(table.influencers).toHaveLength(rows.length - 1);
  });
});
