/** `negotiator audit` over a real database written by the runtime. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { createManualClock } from '../support/manual-clock.js';
import { negotiationInput } from '../support/negotiation.js';
import { startRuntime, tempDatabasePath } from '../support/runtime.js';

const DAY = 86_400_000;
const path = tempDatabasePath();
const start = Date.UTC(2026, 10, 1, 9);

function audit(args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'audit', ...args],
    {
      cwd: projectRoot(),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', DATABASE_PATH: path },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

beforeAll(async () => {
  const clock = createManualClock(start);
  // Not started: no worker runs the declared effects, so the trail holds exactly what is dispatched here.
  const rt = startRuntime({ path, clock });
  rt.database.sqlite
    .prepare(`insert into campaigns (id, source, client, deliverables_json, cpm_target_cents, leniency_bps, max_rounds, raw_json, created_at, updated_at)
    values ('spring', 'webhook', 'Acme', '[]', 2000, 5000, 5, '{}', 0, 0)`)
    .run();
  rt.create({
    id: 'neg_ada',
    campaignId: 'spring',
    influencer: { email: 'ada@creators.test', handle: '@ada', platform: 'instagram' },
    input: negotiationInput({ negotiationId: 'neg_ada' }),
  });
  rt.create({
    id: 'neg_bo',
    influencer: { email: 'bo@creators.test', handle: '@bo', platform: 'tiktok' },
    input: negotiationInput({ negotiationId: 'neg_bo' }),
  });
  clock.advance(DAY);
  rt.dispatch('neg_ada', { type: 'REPLY_RECEIVED', messageId: 'm1' }, { requestId: 'req-42' });
  rt.database.sqlite
    .prepare(`insert into emails (gmail_message_id, thread_id, negotiation_id, direction, from_addr, to_addr, subject, body_text, state, ask_cents, at)
    values ('m1', 't', 'neg_ada', 'in', 'ada@creators.test', 'team@brand.test', 'Re: Spring collab', 'I charge $1,600', 'counterReceived', 160000, ?)`)
    .run(clock.now());
  clock.advance(DAY);
  rt.dispatch('neg_bo', { type: 'STOPPED', by: 'U1', reason: 'brand paused' });
  await rt.close();
});

describe('negotiator audit', () => {
  it('filters by influencer, and traces a request id to its transition', () => {
    const rows = lines(audit(['--influencer', 'ADA', '--json']).stdout);
    expect(rows.map((r) => [r.kind, r.what])).toEqual([
      ['transition', 'xstate.init'],
      ['email', 'in'],
      ['transition', 'REPLY_RECEIVED'],
    ]);
    expect(rows[2]).toMatchObject({
      negotiation_id: 'neg_ada',
      from_state: 'initialOffer',
      to_state: 'counterReceived',
      request_id: 'req-42',
      campaign_id: 'spring',
    });
    expect(rows[1]).toMatchObject({ detail: 'Re: Spring collab', ask_cents: 160_000 });
  });

  it('filters by campaign, event type and date range', () => {
    expect(
      lines(audit(['--campaign', 'spring', '--json']).stdout).every(
        (r) => r.negotiation_id === 'neg_ada',
      ),
    ).toBe(true);
    expect(
      lines(audit(['--event-type', 'STOPPED', '--json']).stdout).map((r) => r.negotiation_id),
    ).toEqual(['neg_bo']);
    const day2 = new Date(start + DAY).toISOString();
    const day3 = new Date(start + 2 * DAY).toISOString();
    expect(
      lines(audit(['--from', day2, '--to', day3, '--json']).stdout).map((r) => r.what),
    ).toEqual(['in', 'REPLY_RECEIVED']);
  });

  it('prints a readable table by default', () => {
    const { code, stdout } = audit(['--influencer', 'bo']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^time \(UTC\)\s+negotiation\s+influencer\s+event/);
    expect(stdout).toMatch(/neg_bo\s+bo@creators\.test\s+STOPPED\s+initialOffer → stopped/);
    expect(audit(['--influencer', 'nobody']).stdout).toBe('no matching events\n');
  });

  it('rejects bad filters with exit code 2', () => {
    const { code, stderr } = audit(['--since', 'forever', '--from', 'yesterday-ish']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--from "yesterday-ish" is not a date/);
    expect(stderr).toMatch(/--since "forever" is not a duration/);
  });
});
