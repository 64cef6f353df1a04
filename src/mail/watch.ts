/**
 * The Gmail watch (CONFIG-03): started when missing or close to expiry, renewed a day (by
 * default) before the **stored** expiry, so a restart neither skips a renewal nor repeats one.
 * Failures retry with backoff and raise an alert; `expiration()` feeds the metric.
 */
import type { MailPort } from '../adapters/gmail/mail-port.js';
import type { MailStore } from '../db/mail-store.js';
import type { Logger } from '../observability/logger.js';
import { type Clock, MAX_TIMER_DELAY_MS } from '../runtime/clock.js';

export function createWatchKeeper(deps: {
  mail: MailPort;
  store: MailStore;
  clock: Clock;
  logger: Logger;
  topicName: string;
  renewBeforeMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onProblem?: (problem: string) => void;
}) {
  const renewBeforeMs = deps.renewBeforeMs ?? 24 * 3_600_000;
  const baseDelayMs = deps.baseDelayMs ?? 60_000;
  const maxDelayMs = deps.maxDelayMs ?? 3_600_000;
  const log = deps.logger.child({ component: 'gmail-watch' });
  let timer: unknown = null;
  let failures = 0;
  let running = false;

  function at(when: number): void {
    if (!running) return;
    if (timer !== null) deps.clock.clearTimeout(timer);
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, when - deps.clock.now()));
    timer = deps.clock.setTimeout(() => {
      timer = null;
      // A timer capped below the real delay only re-checks; renew() runs when it is due.
      void check();
    }, delay);
  }

  async function renew(): Promise<void> {
    try {
      const { expiration } = await deps.mail.watch(deps.topicName);
      deps.store.setWatchExpiration(expiration, deps.clock.now());
      failures = 0;
      log.info({ expiration: new Date(expiration).toISOString() }, 'gmail watch renewed');
      at(expiration - renewBeforeMs);
    } catch (error) {
      failures += 1;
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - 1));
      log.error({ err: error, failures, retryInMs: delay }, 'gmail watch renewal failed');
      // Alert once per run of failures, and again when the watch has actually lapsed.
      const expiration = deps.store.state()?.watchExpiration ?? null;
      if (failures === 1 || (expiration !== null && expiration <= deps.clock.now()))
        deps.onProblem?.(
          `Gmail watch renewal failed (${(error as Error).message}); retrying in ${Math.round(delay / 1000)} s — replies are picked up by polling meanwhile`,
        );
      at(deps.clock.now() + delay);
    }
  }

  async function check(): Promise<void> {
    const expiration = deps.store.state()?.watchExpiration ?? null;
    if (expiration === null || expiration - renewBeforeMs <= deps.clock.now()) await renew();
    else at(expiration - renewBeforeMs);
  }

  return {
    async start(): Promise<void> {
      running = true;
      await check();
    },
    stop(): void {
      running = false;
      if (timer !== null) deps.clock.clearTimeout(timer);
      timer = null;
    },
    /** The stored expiry (epoch ms), or null when no watch is known. */
    expiration: (): number | null => deps.store.state()?.watchExpiration ?? null,
  };
}
