/**
 * Keeps the agent's view of the mailbox complete (EMAIL-01): `history.list` from the **stored**
 * cursor, every page; the new message ids and the cursor after them are written in one
 * transaction; each message is then read and routed once. A cursor Google no longer knows (404)
 * means a full resync of recent mail; a periodic poll catches pushes that never came; pushes
 * only wake it — they never move the cursor, which is why duplicates and reordering are harmless.
 */

import type { MailPort } from '../adapters/gmail/mail-port.js';
import type { MailStore } from '../db/mail-store.js';
import { parseEmail } from '../domain/email/index.js';
import { PermanentError, RetryableError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from '../runtime/clock.js';
import type { MailRouter } from './router.js';

export interface MailSyncOptions {
  /** How often to look without a push (default 5 minutes). */
  pollIntervalMs?: number;
  /** What a full resync reads (Gmail search). */
  resyncQuery?: string;
  resyncMax?: number;
  /** Messages read per batch. */
  batch?: number;
  /** Attempts before a message is given up on (and reported). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface SyncReport {
  resynced: boolean;
  recorded: number;
  processed: number;
  failed: number;
}

export function createMailSync(deps: {
  mail: MailPort;
  store: MailStore;
  router: MailRouter;
  clock: Clock;
  logger: Logger;
  options?: MailSyncOptions;
  /** Told about every message given up on and every sync failure: the alert hook. */
  onProblem?: (problem: string) => void;
}) {
  const o = deps.options ?? {};
  const pollIntervalMs = o.pollIntervalMs ?? 5 * 60_000;
  const resyncQuery = o.resyncQuery ?? 'newer_than:7d -in:chats -in:drafts -in:spam -in:trash';
  const resyncMax = o.resyncMax ?? 1000;
  const batch = o.batch ?? 25;
  const maxAttempts = o.maxAttempts ?? 8;
  const baseDelayMs = o.baseDelayMs ?? 5_000;
  const maxDelayMs = o.maxDelayMs ?? 30 * 60_000;
  const log = deps.logger.child({ component: 'gmail-sync' });

  let running: Promise<SyncReport> | null = null;
  let again = false;
  // Polling runs between start() and stop(); sync() also works on its own (tests, tools).
  let polling = false;
  let stopping = false;
  let timer: unknown = null;
  let wokenBy: string | null = null;

  async function fetchChanges(): Promise<{ resynced: boolean; recorded: number }> {
    const now = deps.clock.now();
    // The push that woke this read (if any) is what the messages found now are traced to.
    const requestId = wokenBy;
    wokenBy = null;
    const cursor = deps.store.state()?.historyId ?? null;
    if (cursor !== null) {
      const changes = await deps.mail.changesSince(cursor);
      if (!changes.expired) {
        deps.store.recordHistory(changes.messages, changes.historyId, now, requestId);
        return { resynced: false, recorded: changes.messages.length };
      }
      log.warn({ cursor }, 'history cursor expired: resyncing recent mail');
    }
    // The profile's historyId first: anything arriving during the search is after it.
    const { historyId } = await deps.mail.profile();
    // Search answers newest first; record oldest first so replies are read in the order written.
    const recent = (await deps.mail.search(resyncQuery, resyncMax)).reverse();
    deps.store.recordResync(recent, historyId, now, requestId);
    log.info({ messages: recent.length, historyId }, 'mailbox resynced');
    return { resynced: true, recorded: recent.length };
  }

  function delayFor(attempts: number, error: unknown): number {
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1));
    return Math.max(exponential, error instanceof RetryableError ? (error.retryAfterMs ?? 0) : 0);
  }

  async function processQueue(): Promise<{ processed: number; failed: number }> {
    let processed = 0;
    let failed = 0;
    for (;;) {
      const due = deps.store.due(deps.clock.now(), batch);
      if (due.length === 0 || stopping) break;
      for (const row of due) {
        try {
          const message = await deps.mail.fetch(row.messageId);
          if (!message) {
            deps.store.finish(
              row.messageId,
              'skipped',
              'deleted before it was read',
              deps.clock.now(),
            );
            continue;
          }
          const routed = await deps.router.route(message, parseEmail(message.raw), row.requestId);
          deps.store.finish(row.messageId, routed.status, routed.outcome, deps.clock.now());
          processed += 1;
          log.info({ gmailMessageId: row.messageId, outcome: routed.outcome }, 'message routed');
        } catch (error) {
          const attempts = row.attempts + 1;
          const text = error instanceof Error ? error.message : String(error);
          if (error instanceof PermanentError || attempts >= maxAttempts) {
            deps.store.fail(row.messageId, text, deps.clock.now());
            failed += 1;
            log.error({ gmailMessageId: row.messageId, err: error }, 'message given up on');
            deps.onProblem?.(`Gmail message ${row.messageId} could not be processed: ${text}`);
          } else {
            const at = deps.clock.now() + delayFor(attempts, error);
            deps.store.retryLater(row.messageId, at, text, deps.clock.now());
            log.warn(
              { gmailMessageId: row.messageId, attempts, err: error },
              'message retry later',
            );
          }
        }
      }
    }
    return { processed, failed };
  }

  async function syncOnce(): Promise<SyncReport> {
    let fetched = { resynced: false, recorded: 0 };
    try {
      fetched = await fetchChanges();
    } catch (error) {
      // The queue can still be worked on; the next wake or poll tries the history again.
      log.error({ err: error }, 'mailbox sync failed');
      if (error instanceof PermanentError) deps.onProblem?.(`Gmail sync failed: ${error.message}`);
    }
    const worked = await processQueue();
    return { ...fetched, ...worked };
  }

  function schedule(): void {
    if (!polling || stopping) return;
    if (timer !== null) deps.clock.clearTimeout(timer);
    const retryAt = deps.store.nextDueAt();
    const delay = Math.min(
      pollIntervalMs,
      retryAt === null ? pollIntervalMs : Math.max(0, retryAt - deps.clock.now()),
    );
    timer = deps.clock.setTimeout(() => {
      timer = null;
      void sync();
    }, delay);
  }

  /** Runs a sync now, or once more after the one in progress (single flight). */
  function sync(): Promise<SyncReport> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let report: SyncReport;
      do {
        again = false;
        report = await syncOnce();
      } while (again && !stopping);
      return report;
    })().finally(() => {
      running = null;
      schedule();
    });
    return running;
  }

  return {
    /** Starts with a sync (mail that arrived while the agent was down), then polls. */
    start(): Promise<SyncReport> {
      polling = true;
      stopping = false;
      return sync();
    },
    /** A push said the mailbox changed; `requestId` is the push request's, for tracing. */
    wake(requestId?: string | null): void {
      if (requestId) wokenBy = requestId;
      if (polling && !stopping) void sync();
    },
    sync,
    async stop(): Promise<void> {
      stopping = true;
      polling = false;
      if (timer !== null) deps.clock.clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}

export type MailSync = ReturnType<typeof createMailSync>;
