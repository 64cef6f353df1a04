/**
 * Snapshot versioning. Every persisted snapshot row stores the MACHINE_VERSION it was written
 * with; before restoring, the JSON is migrated step by step to the current version and validated.
 * Bump the version for any change to states or context, and add a migration with a fixture test.
 */
import { z } from 'zod';
import { contextSchema } from './context.js';

export const MACHINE_VERSION = 2;

export const STATE_NAMES = [
  'initialOffer',
  'awaitingReply',
  'counterReceived',
  'drafting',
  'awaitingApproval',
  'sending',
  'escalated',
  'humanControl',
  'paused',
  'stale',
  'agreed',
  'rejected',
  'stopped',
] as const;
export type StateName = (typeof STATE_NAMES)[number];
export const TERMINAL_STATES: readonly StateName[] = ['agreed', 'rejected', 'stopped'];

/** Migration from version N to N + 1, keyed by N. Pure JSON → JSON. */
export const SNAPSHOT_MIGRATIONS: Record<
  number,
  (snapshot: Record<string, unknown>) => Record<string, unknown>
> = {
  // 2 added the holding reply setting; negotiations started before it keep it off.
  1: (snapshot) => {
    const context = snapshot.context as Record<string, unknown>;
    const settings = context.settings as Record<string, unknown>;
    return {
      ...snapshot,
      context: { ...context, settings: { holdingReplyMs: null, ...settings } },
    };
  },
};

const persistedSchema = z.looseObject({
  status: z.enum(['active', 'done']),
  value: z.enum(STATE_NAMES),
  context: contextSchema,
  historyValue: z.record(z.string(), z.unknown()).optional(),
  children: z.record(z.string(), z.unknown()).optional(),
});
export type PersistedNegotiation = z.infer<typeof persistedSchema>;

export type SnapshotParse =
  | { ok: true; snapshot: PersistedNegotiation; migratedFrom: number | null }
  | { ok: false; error: string };

export type SnapshotMigrations = Record<
  number,
  (snapshot: Record<string, unknown>) => Record<string, unknown>
>;

/** Parses, migrates and validates a stored snapshot; never throws. */
export function parsePersistedSnapshot(
  json: string,
  version: number,
  migrations: SnapshotMigrations = SNAPSHOT_MIGRATIONS,
): SnapshotParse {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { ok: false, error: 'snapshot is not valid JSON' };
  }
  if (!Number.isInteger(version) || version < 0 || version > MACHINE_VERSION) {
    return { ok: false, error: `unknown machine version ${version} (current ${MACHINE_VERSION})` };
  }
  if (typeof data !== 'object' || data === null)
    return { ok: false, error: 'snapshot is not an object' };
  let current = data as Record<string, unknown>;
  for (let v = version; v < MACHINE_VERSION; v++) {
    const step = migrations[v];
    if (!step) return { ok: false, error: `no migration from machine version ${v}` };
    try {
      current = step(current);
    } catch (error) {
      return {
        ok: false,
        error: `migration from version ${v} failed: ${(error as Error).message}`,
      };
    }
  }
  const parsed = persistedSchema.safeParse(current);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.')}: ${i.message}`);
    return {
      ok: false,
      error: `snapshot does not match machine version ${MACHINE_VERSION}: ${problems.join('; ')}`,
    };
  }
  return {
    ok: true,
    snapshot: parsed.data,
    migratedFrom: version === MACHINE_VERSION ? null : version,
  };
}
