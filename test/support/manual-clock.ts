import type { Clock } from '../../src/runtime/clock.js';

/** A clock that moves only when told; timers fire during `advance`, in due order. */
export function createManualClock(start = 1_800_000_000_000) {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock & { advance(ms: number): void; set(at: number): void; pending(): number } = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      clock.set(now + ms);
    },
    set(at) {
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= at)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = at;
    },
    pending: () => timers.size,
  };
  return clock;
}
