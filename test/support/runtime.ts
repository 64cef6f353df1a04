/** A runtime on a real SQLite file with recording effect handlers. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  NegotiationEvent,
  OutboxEffect,
  SnapshotMigrations,
} from '../../machines/negotiation/index.js';
import { openMigratedDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { Clock } from '../../src/runtime/clock.js';
import { createRuntime, type EffectHandlers } from '../../src/runtime/index.js';
import type { OutboxWorkerOptions } from '../../src/runtime/outbox-worker.js';
import { negotiationInput } from './negotiation.js';

export function tempDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'negotiator-rt-')), 'n.db');
}

export function startRuntime(options: {
  path: string;
  clock: Clock;
  handlers?: EffectHandlers;
  outbox?: OutboxWorkerOptions;
  snapshotMigrations?: SnapshotMigrations;
}) {
  const database = openMigratedDatabase({ path: options.path, synchronous: 'NORMAL' });
  const runtime = createRuntime({
    sqlite: database.sqlite,
    clock: options.clock,
    logger: silentLogger,
    handlers: options.handlers ?? {},
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(options.snapshotMigrations ? { snapshotMigrations: options.snapshotMigrations } : {}),
  });
  return {
    ...runtime,
    database,
    async close() {
      await runtime.stop(1000);
      database.close();
    },
  };
}

export function createTestNegotiation(
  runtime: { create: ReturnType<typeof startRuntime>['create'] },
  id: string,
  overrides: Parameters<typeof negotiationInput>[0] = {},
) {
  runtime.create({
    id,
    threadId: `thread-${id}`,
    influencer: {
      email: `${id}@creators.test`,
      name: 'Ada',
      handle: '@ada',
      platform: 'instagram',
    },
    input: negotiationInput({ negotiationId: id, ...overrides }),
  });
}

/** Handlers that answer like a well-behaved world and record every call. */
export function recordingHandlers(
  script: {
    classify?: (effect: Extract<OutboxEffect, { kind: 'classifyReply' }>) => NegotiationEvent;
  } = {},
) {
  const calls: Array<{ kind: string; key: string; reconcile: boolean }> = [];
  const record = (kind: string, key: string, reconcile = false) =>
    calls.push({ kind, key, reconcile });
  const recorded = (effect: { kind: string; key: string }) => {
    record(effect.kind, effect.key);
    return {};
  };
  const handlers: EffectHandlers = {
    classifyReply: {
      async run(effect) {
        record(effect.kind, effect.key);
        return {
          event: script.classify?.(effect) ?? {
            type: 'REPLY_CLASSIFIED',
            messageId: effect.messageId,
            intent: 'accept',
            confidence: 0.9,
            proposedRateCents: null,
            deliverableChanges: null,
            flags: { hostileTone: false, legalLanguage: false, unusualDeliverables: false },
            evidence: [],
          },
        };
      },
    },
    composeEmail: {
      async run(effect) {
        record(effect.kind, effect.key);
        return {
          event: {
            type: 'DRAFT_READY',
            draftKey: effect.key,
            subject: 'Re: collaboration',
            body: `draft ${effect.purpose}`,
          },
        };
      },
    },
    sendEmail: {
      async run(effect, ctx) {
        record(effect.kind, effect.key);
        return {
          event: {
            type: 'EMAIL_SENT',
            effectKey: effect.key,
            gmailMessageId: `gm-${effect.key}`,
            threadId: `thread-${ctx.negotiationId}`,
          },
          result: { id: `gm-${effect.key}` },
        };
      },
    },
    postAgreement: { run: async (effect) => recorded(effect) },
    postEscalation: { run: async (effect) => recorded(effect) },
    postNotice: { run: async (effect) => recorded(effect) },
    requestApproval: { run: async (effect) => recorded(effect) },
  };
  return { handlers, calls };
}
