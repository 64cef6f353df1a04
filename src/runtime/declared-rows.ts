/** Helpers of the registry: what a transition declared, as rows to commit. */
import type { InspectionEvent } from 'xstate';
import { type Emitted, isOutboxEffect } from '../../machines/negotiation/index.js';
import type { TimerOp } from '../db/negotiation-store.js';
import type { Logger } from '../observability/logger.js';

/** Outbox rows, timer operations and the "ignored" reason from what the machine emitted. */
export function declaredRows(emitted: Emitted[], now: number) {
  const outbox: Array<{ key: string; kind: string; payloadJson: string }> = [];
  const timers: TimerOp[] = [];
  let ignored: string | null = null;
  for (const e of emitted) {
    if (e.type === 'ignored') ignored = e.reason;
    else if (isOutboxEffect(e.effect)) {
      outbox.push({
        key: e.effect.key,
        kind: e.effect.kind,
        payloadJson: JSON.stringify(e.effect),
      });
    } else if (e.effect.kind === 'setTimer') {
      timers.push({
        op: 'set',
        key: e.effect.timer,
        dueAt: now + e.effect.delayMs,
        eventJson: JSON.stringify(e.effect.event),
      });
    } else timers.push({ op: 'clear', key: e.effect.timer });
  }
  return { outbox, timers, ignored };
}

export /** "gmail:18c2f…" → source gmail, id 18c2f…; a key without a prefix goes under "event". */
function splitDedupeKey(key: string): { source: string; externalId: string } {
  const at = key.indexOf(':');
  return at > 0
    ? { source: key.slice(0, at), externalId: key.slice(at + 1) }
    : { source: 'event', externalId: key };
}

/** An inspector that throws would wedge the actor's mailbox for good (XState): contain it. */
export function safeInspector(inspect: (event: InspectionEvent) => void, logger: Logger) {
  let warned = false;
  return (event: InspectionEvent) => {
    try {
      inspect(event);
    } catch (error) {
      if (!warned) logger.warn({ err: error }, 'inspector failed; negotiations are unaffected');
      warned = true;
    }
  };
}
