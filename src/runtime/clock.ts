/** Time, injected: the service uses the system clock, tests a manual one. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Node's timers overflow above 2^31 - 1 ms (24.8 days) and fire at once: never ask for more. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
