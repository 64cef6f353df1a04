/**
 * A snapshot stored by an older machine version is migrated before it is restored, and the
 * negotiation carries on. The fixture is in the shape of a "version 0" context (the pending
 * classification kept as two flat fields, no record of the last reading), migrated to today's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MACHINE_VERSION,
  parsePersistedSnapshot,
  SNAPSHOT_MIGRATIONS,
  type SnapshotMigrations,
} from '../../machines/negotiation/index.js';
import { projectRoot } from '../../src/paths.js';
import { createManualClock } from '../support/manual-clock.js';
import { classified } from '../support/negotiation.js';
import { recordingHandlers, startRuntime, tempDatabasePath } from '../support/runtime.js';

const fixture = readFileSync(
  join(projectRoot(), 'test', 'fixtures', 'snapshot-v0-counter-received.json'),
  'utf8',
);

// Version 0 → 1 is this test's own step; the machine's real steps follow it.
const migrations: SnapshotMigrations = {
  ...SNAPSHOT_MIGRATIONS,
  0: (snapshot) => {
    const { classifyingMessageId, classifyKey, ...context } = snapshot.context as Record<
      string,
      unknown
    >;
    return {
      ...snapshot,
      context: {
        ...context,
        classifying: classifyingMessageId
          ? { messageId: classifyingMessageId, key: classifyKey }
          : null,
        lastClassified: null,
      },
    };
  },
};

describe('snapshot migration by machine_version', () => {
  it('refuses the old shape without its migration, and restores it with one', () => {
    expect(parsePersistedSnapshot(fixture, 0, {})).toMatchObject({
      ok: false,
      error: 'no migration from machine version 0',
    });
    expect(parsePersistedSnapshot(fixture, MACHINE_VERSION)).toMatchObject({ ok: false });
    const restored = parsePersistedSnapshot(fixture, 0, migrations);
    expect(restored).toMatchObject({ ok: true, migratedFrom: 0 });
    // Version 2 added the holding reply; an old negotiation keeps it off.
    expect(restored.ok && restored.snapshot.context.settings.holdingReplyMs).toBeNull();
  });

  it('restores an old row at startup, continues the negotiation and stores it at the new version', async () => {
    const path = tempDatabasePath();
    const clock = createManualClock();
    const { handlers, calls } = recordingHandlers();
    const rt = startRuntime({ path, clock, handlers, snapshotMigrations: migrations });
    rt.database.sqlite
      .prepare(`insert into negotiations (id, thread_id, influencer_email, platform, state, status, machine_version, snapshot_json, seq, created_at, updated_at)
                values ('neg_old', 't-old', 'old@creators.test', 'instagram', 'counterReceived', 'active', 0, ?, 7, 0, 0)`)
      .run(fixture);
    expect(rt.start()).toMatchObject({ restored: 1, failed: 0 });
    const result = rt.dispatch('neg_old', classified('m2', 'counter', 140_000));
    expect(result).toMatchObject({
      status: 'applied',
      from: 'counterReceived',
      to: 'drafting',
      seq: 8,
    });
    const row = rt.database.sqlite.prepare('select machine_version, state from negotiations').get();
    expect(row).toEqual({ machine_version: MACHINE_VERSION, state: 'drafting' });
    const compose = rt.database.sqlite
      .prepare("select key, payload_json from outbox where kind = 'composeEmail'")
      .get() as { key: string; payload_json: string };
    expect(compose.key).toBe('neg_old:composeEmail:2');
    expect(JSON.parse(compose.payload_json)).toMatchObject({
      purpose: 'counter',
      offerCents: 125_000,
    });
    expect(calls).toEqual([]);
    await rt.close();
  });
});
