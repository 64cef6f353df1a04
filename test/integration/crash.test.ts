/**
 * Crash test with real process kills: a child process runs the runtime and a scripted world
 * through hundreds of negotiations; it is SIGKILLed at random moments and restarted, again and
 * again, then allowed to finish. Every negotiation must reach its expected end, every effect must
 * have happened exactly once, every agreement announced exactly once, and no timer lost.
 *
 * Replay a run with CRASH_SEED=<seed>; CRASH_LONG=1 (npm run test:crash:long) runs the long mode.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

const LONG = process.env.CRASH_LONG === '1';
const NEGOTIATIONS = LONG ? 1000 : 200;
const KILLS = LONG ? 100 : 30;
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PERSONAS = ['accepts', 'haggles', 'firm', 'ghost', 'declines'];
const EXPECTED_END: Record<string, string> = {
  accepts: 'agreed',
  haggles: 'agreed',
  firm: 'agreed',
  ghost: 'stopped',
  declines: 'rejected',
};

/** mulberry32: a tiny seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function startChild(db: string, ledger: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join('test', 'support', 'crash-child.ts'),
      db,
      ledger,
      String(NEGOTIATIONS),
    ],
    {
      cwd: projectRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.on('exit', () => resolve());
  });
}

describe('crash test: SIGKILL at random moments', () => {
  it(`${NEGOTIATIONS} negotiations survive ${KILLS} kills with every effect exactly once`, {
    timeout: LONG ? 1_800_000 : 240_000,
  }, async () => {
    console.warn(`crash test seed ${SEED} (replay with CRASH_SEED=${SEED})`);
    const next = random(SEED);
    const dir = mkdtempSync(join(tmpdir(), 'negotiator-crash-'));
    const db = join(dir, 'n.db');
    const ledger = join(dir, 'ledger');

    let killed = 0;
    while (killed < KILLS) {
      const child = startChild(db, ledger);
      const done = exited(child);
      await ready(child);
      await new Promise((r) => setTimeout(r, Math.floor(next() * 80)));
      child.kill('SIGKILL');
      const result = await done;
      if (result.code === 0) break; // everything finished before the kill
      expect(result.signal, result.stderr).toBe('SIGKILL');
      killed++;
    }
    const last = startChild(db, ledger);
    const result = await exited(last);
    expect(result.code, result.stderr).toBe(0);

    const sqlite = new Database(db, { readonly: true });
    const negotiations = sqlite
      .prepare('select id, state, status from negotiations')
      .all() as Array<{ id: string; state: string; status: string }>;
    expect(negotiations).toHaveLength(NEGOTIATIONS);
    for (const n of negotiations) {
      const persona = PERSONAS[Number(n.id.slice(4)) % PERSONAS.length] ?? '';
      expect(`${n.id} ${n.status} ${n.state}`).toBe(`${n.id} done ${EXPECTED_END[persona]}`);
    }

    const performed = existsSync(ledger)
      ? readFileSync(ledger, 'utf8').split('\n').filter(Boolean)
      : [];
    const duplicates = performed.filter((key, i) => performed.indexOf(key) !== i);
    expect(duplicates, 'effects performed more than once').toEqual([]);
    const outbox = sqlite
      .prepare(
        "select key, status from outbox where kind in ('sendEmail', 'postAgreement', 'postEscalation', 'postNotice')",
      )
      .all() as Array<{ key: string; status: string }>;
    expect(outbox.filter((r) => r.status !== 'done')).toEqual([]);
    expect(new Set(performed)).toEqual(new Set(outbox.map((r) => r.key)));
    const agreed = negotiations.filter((n) => n.state === 'agreed').map((n) => n.id);
    const announcements = performed.filter((k) => k.includes(':postAgreement:'));
    expect(announcements.sort()).toEqual(agreed.map((id) => `${id}:postAgreement:1`).sort());

    const ghosts = negotiations.filter(
      (n) => PERSONAS[Number(n.id.slice(4)) % PERSONAS.length] === 'ghost',
    );
    // Ghosts never answer: each must have had exactly one follow-up and one stale deadline fire.
    const fired = sqlite
      .prepare(
        "select negotiation_id as id, sum(event_type = 'FOLLOW_UP_DUE') as f, sum(event_type = 'STALE_DUE') as s from transitions where event_type in ('FOLLOW_UP_DUE', 'STALE_DUE') group by negotiation_id",
      )
      .all() as Array<{ id: string; f: number; s: number }>;
    for (const ghost of ghosts)
      expect(fired.find((r) => r.id === ghost.id)).toEqual({ id: ghost.id, f: 1, s: 1 });
    expect(sqlite.prepare('select count(*) as n from timers').get()).toEqual({ n: 0 });
    expect(sqlite.prepare("select count(*) as n from outbox where status != 'done'").get()).toEqual(
      { n: 0 },
    );
    sqlite.close();
    console.warn(`crash test: ${killed} kills, ${performed.length} effects performed once each`);
    expect(killed, 'the run finished before every kill happened').toBe(KILLS);
  });
});
