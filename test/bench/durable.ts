/**
 * Durability benchmark: events per second through `dispatch` (commit included) with
 * synchronous=FULL and NORMAL, against raw better-sqlite3 writing rows of the same shape;
 * rehydration of 10k and 100k negotiations; heap per idle live actor.
 *
 *   npm run bench [-- --json FILE] [-- --quick]
 * Run with --expose-gc (the npm script does) for the heap figure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { NegotiationEvent } from '../../machines/negotiation/index.js';
import { openMigratedDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/observability/logger.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createRuntime } from '../../src/runtime/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { classified, negotiationInput } from '../support/negotiation.js';

const { values } = parseArgs({
  options: { json: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const EVENTS = values.quick ? 2_000 : 20_000;
const NEGOTIATIONS = 100;
const dir = mkdtempSync(join(tmpdir(), 'negotiator-bench-'));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** One reply-to-answer cycle: every event declares an effect, a timer or a dedupe row. */
function cycle(
  id: string,
  n: number,
  ctx: { classify: string; compose: string; send: string },
): Array<[NegotiationEvent, string | undefined]> {
  const messageId = `${id}-m${n}`;
  return [
    [{ type: 'REPLY_RECEIVED', messageId }, `gmail:${messageId}`],
    [classified(messageId, 'question'), undefined],
    [
      {
        type: 'DRAFT_READY',
        draftKey: ctx.compose,
        subject: 'Re: collaboration',
        body: 'Happy to explain.',
      },
      undefined,
    ],
    [
      {
        type: 'EMAIL_SENT',
        effectKey: ctx.send,
        gmailMessageId: `gm-${messageId}`,
        threadId: `t-${id}`,
      },
      undefined,
    ],
  ];
}

function durable(synchronous: 'FULL' | 'NORMAL') {
  const path = join(dir, `durable-${synchronous}.db`);
  const database = openMigratedDatabase({ path, synchronous });
  const rt = createRuntime({
    sqlite: database.sqlite,
    clock: systemClock,
    logger: silentLogger,
    handlers: {},
  });
  const ids = Array.from({ length: NEGOTIATIONS }, (_, i) => `neg_${i}`);
  for (const id of ids) {
    rt.create({
      id,
      influencer: { email: `${id}@bench.test`, platform: 'instagram' },
      input: negotiationInput({ negotiationId: id, initialOfferCents: 110_000 }),
    });
  }
  const latencies: number[] = [];
  const started = performance.now();
  let n = 0;
  while (latencies.length < EVENTS) {
    const id = ids[n % NEGOTIATIONS] ?? '';
    const round = Math.floor(n / NEGOTIATIONS);
    const c = round + 1;
    const events = cycle(id, round, {
      classify: '',
      compose: `${id}:composeEmail:${c}`,
      send: `${id}:sendEmail:${c}`,
    });
    for (const [event, dedupeKey] of events) {
      const t0 = performance.now();
      const result = rt.dispatch(id, event, dedupeKey ? { dedupeKey } : {});
      latencies.push(performance.now() - t0);
      if (result.status !== 'applied' || result.ignored)
        throw new Error(`bench event not applied: ${JSON.stringify(result)}`);
    }
    n++;
  }
  const seconds = (performance.now() - started) / 1000;
  const snapshotBytes = (
    database.sqlite.prepare('select avg(length(snapshot_json)) as b from negotiations').get() as {
      b: number;
    }
  ).b;
  database.close();
  latencies.sort((a, b) => a - b);
  return {
    perSec: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    snapshotBytes,
  };
}

/** The same rows per event — snapshot update, transition, outbox or timer, dedupe — with no XState. */
function raw(synchronous: 'FULL' | 'NORMAL', snapshotBytes: number) {
  const path = join(dir, `raw-${synchronous}.db`);
  openMigratedDatabase({ path }).close();
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  const snapshot = JSON.stringify({ pad: 'x'.repeat(Math.max(0, Math.round(snapshotBytes) - 10)) });
  const insertNeg = sqlite.prepare(
    `insert into negotiations (id, influencer_email, platform, state, status, machine_version, snapshot_json, seq, created_at, updated_at) values (?, 'a@b.c', 'instagram', 's', 'active', 1, ?, 0, 0, 0)`,
  );
  for (let i = 0; i < NEGOTIATIONS; i++) insertNeg.run(`neg_${i}`, snapshot);
  const update = sqlite.prepare(
    'update negotiations set snapshot_json = ?, seq = seq + 1, state = ?, updated_at = ? where id = ? and seq = ?',
  );
  const transition = sqlite.prepare(
    'insert into transitions (negotiation_id, seq, event_type, event_json, from_state, to_state, at) values (?, ?, ?, ?, ?, ?, ?)',
  );
  const outbox = sqlite.prepare(
    `insert into outbox (key, negotiation_id, kind, payload_json, status, attempts, next_attempt_at, created_at, updated_at) values (?, ?, 'k', ?, 'pending', 0, 0, 0, 0)`,
  );
  const inbox = sqlite.prepare(
    'insert into inbox (source, external_id, negotiation_id, received_at) values (?, ?, ?, ?)',
  );
  const seqs = new Array<number>(NEGOTIATIONS).fill(0);
  const write = sqlite.transaction((i: number, n: number) => {
    const id = `neg_${i}`;
    const seq = seqs[i] ?? 0;
    update.run(snapshot, 'state', Date.now(), id, seq);
    transition.run(id, seq + 1, 'EVENT', '{"type":"EVENT","messageId":"m"}', 'a', 'b', Date.now());
    outbox.run(`${id}:k:${n}`, id, '{"kind":"k","key":"x"}');
    if (n % 4 === 0) inbox.run('gmail', `${id}-${n}`, id, Date.now());
    seqs[i] = seq + 1;
  });
  const latencies: number[] = [];
  const started = performance.now();
  for (let n = 0; n < EVENTS; n++) {
    const t0 = performance.now();
    write(n % NEGOTIATIONS, n);
    latencies.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  sqlite.close();
  latencies.sort((a, b) => a - b);
  return {
    perSec: EVENTS / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Writes `count` negotiations waiting for a reply, then times a cold start restoring them. */
async function rehydration(count: number) {
  const path = join(dir, `rehydrate-${count}.db`);
  const seed = openMigratedDatabase({ path, synchronous: 'NORMAL' });
  const rt = createRuntime({
    sqlite: seed.sqlite,
    clock: systemClock,
    logger: silentLogger,
    handlers: {},
  });
  rt.create({
    id: 'template',
    influencer: { email: 't@bench.test', platform: 'instagram' },
    input: negotiationInput({ negotiationId: 'template', initialOfferCents: 110_000 }),
  });
  rt.dispatch('template', { type: 'REPLY_RECEIVED', messageId: 'm1' });
  const snapshot = (
    seed.sqlite
      .prepare("select snapshot_json as s from negotiations where id = 'template'")
      .get() as { s: string }
  ).s;
  const insert = seed.sqlite.prepare(
    `insert into negotiations (id, influencer_email, platform, state, status, machine_version, snapshot_json, seq, created_at, updated_at) values (?, ?, 'instagram', 'counterReceived', 'active', 1, ?, 1, 0, 0)`,
  );
  seed.sqlite.transaction(() => {
    for (let i = 0; i < count - 1; i++) {
      const id = `neg_${i}`;
      insert.run(id, `${id}@bench.test`, snapshot.replaceAll('"template', `"${id}`));
    }
  })();
  rt.registry.stopAll();
  seed.close();

  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const database = openMigratedDatabase({ path, synchronous: 'NORMAL' });
  const cold = createRuntime({
    sqlite: database.sqlite,
    clock: systemClock,
    logger: silentLogger,
    handlers: {},
  });
  const t0 = performance.now();
  const report = cold.start();
  const ms = performance.now() - t0;
  globalThis.gc?.();
  const heapPerActor = (process.memoryUsage().heapUsed - heapBefore) / report.restored;
  if (report.restored !== count) throw new Error(`restored ${report.restored} of ${count}`);
  await cold.stop(1000);
  database.close();
  return { ms, heapPerActor };
}

const full = durable('FULL');
const normal = durable('NORMAL');
const rawFull = raw('FULL', full.snapshotBytes);
const rawNormal = raw('NORMAL', normal.snapshotBytes);
const r10k = await rehydration(10_000);
const r100k = values.quick
  ? { ms: Number.NaN, heapPerActor: Number.NaN }
  : await rehydration(100_000);
rmSync(dir, { recursive: true, force: true });

/** Median time to start every sandbox emulator (tests and the demo start one each). */
async function sandboxStartup(runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const sandbox = await startSandbox();
    times.push(sandbox.startupMs);
    await sandbox.close();
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}
const sandboxMs = await sandboxStartup(values.quick ? 3 : 9);

const figures = {
  durable_events_per_sec_full: Math.round(full.perSec),
  durable_events_per_sec_normal: Math.round(normal.perSec),
  raw_baseline_events_per_sec_full: Math.round(rawFull.perSec),
  raw_baseline_events_per_sec_normal: Math.round(rawNormal.perSec),
  ratio_full: Number((full.perSec / rawFull.perSec).toFixed(3)),
  ratio_normal: Number((normal.perSec / rawNormal.perSec).toFixed(3)),
  p50_ms_full: Number(full.p50.toFixed(4)),
  p99_ms_full: Number(full.p99.toFixed(4)),
  raw_p50_ms_full: Number(rawFull.p50.toFixed(4)),
  raw_p99_ms_full: Number(rawFull.p99.toFixed(4)),
  p50_ms_normal: Number(normal.p50.toFixed(4)),
  p99_ms_normal: Number(normal.p99.toFixed(4)),
  snapshot_bytes: Math.round(full.snapshotBytes),
  rehydrate_10k_ms: Math.round(r10k.ms),
  rehydrate_100k_ms: Math.round(r100k.ms),
  heap_bytes_per_actor: Math.round(values.quick ? r10k.heapPerActor : r100k.heapPerActor),
  sandbox_startup_ms: Math.round(sandboxMs),
};
const targets: Record<string, string> = {
  ratio_full: figures.ratio_full >= 0.6 ? 'ok (≥ 0.6)' : 'MISSED (≥ 0.6)',
  p99_ms_full: figures.p99_ms_full < 1 ? 'ok (< 1 ms)' : 'MISSED (< 1 ms)',
  rehydrate_100k_ms: values.quick
    ? 'skipped (--quick)'
    : figures.rehydrate_100k_ms < 5000
      ? 'ok (< 5 s)'
      : 'MISSED (< 5 s)',
  sandbox_startup_ms: figures.sandbox_startup_ms < 500 ? 'ok (< 500 ms)' : 'MISSED (< 500 ms)',
  heap_bytes_per_actor: globalThis.gc
    ? figures.heap_bytes_per_actor <= 6144
      ? 'ok (≤ 6 KB)'
      : 'MISSED (≤ 6 KB)'
    : 'approximate (run with --expose-gc)',
};
const width = Math.max(...Object.keys(figures).map((k) => k.length));
process.stdout.write(
  `durable runtime benchmark (${EVENTS} events over ${NEGOTIATIONS} negotiations)\n`,
);
for (const [k, v] of Object.entries(figures))
  process.stdout.write(`  ${k.padEnd(width)}  ${String(v).padStart(10)}  ${targets[k] ?? ''}\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
