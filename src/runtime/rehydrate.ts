import type { NegotiationStore } from '../db/negotiation-store.js';
import type { Logger } from '../observability/logger.js';
import type { Registry } from './registry.js';

export interface RehydrationReport {
  restored: number;
  failed: number;
  ms: number;
}

/**
 * Restores every non-terminal negotiation at startup (STATE-02). A snapshot that cannot be
 * restored marks its row `error` and is logged; it never stops the others or the process.
 */
export function rehydrate(deps: {
  store: NegotiationStore;
  registry: Registry;
  logger: Logger;
}): RehydrationReport {
  const started = performance.now();
  const failures: Array<{ id: string; reason: string }> = [];
  let restored = 0;
  // Rows are streamed; writes wait until the read cursor is closed (one connection).
  for (const row of deps.store.active()) {
    const problem = deps.registry.restore(row);
    if (problem === null) restored++;
    else failures.push({ id: row.id, reason: problem });
  }
  for (const { id, reason } of failures) deps.registry.markError(id, reason);
  const ms = Math.round((performance.now() - started) * 10) / 10;
  deps.logger.info({ restored, failed: failures.length, ms }, 'negotiations restored');
  return { restored, failed: failures.length, ms };
}
