/**
 * A small read-through cache with a time-to-live and single-flight loads: callers asking for a
 * key while it loads share that one load, so a burst of inbound emails costs one Sheets read.
 * Failures are not cached: the next caller tries again.
 */
export interface TtlCache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** Forgets one key, or everything; a load in flight then no longer fills the cache. */
  clear(key?: string): void;
}

type Entry<V> = { value: V; loadedAt: number } | { loading: Promise<V> };

export function createTtlCache<V>(options: { ttlMs: number; now: () => number }): TtlCache<V> {
  const entries = new Map<string, Entry<V>>();
  return {
    get(key, load) {
      const entry = entries.get(key);
      if (entry && 'loading' in entry) return entry.loading;
      if (entry && options.now() - entry.loadedAt < options.ttlMs)
        return Promise.resolve(entry.value);
      // A loader that throws synchronously still comes out as a rejected promise.
      const loading = new Promise<V>((resolve) => resolve(load())).then(
        (value) => {
          if (entries.get(key) === pending) entries.set(key, { value, loadedAt: options.now() });
          return value;
        },
        (error: unknown) => {
          if (entries.get(key) === pending) entries.delete(key);
          throw error;
        },
      );
      const pending: Entry<V> = { loading };
      entries.set(key, pending);
      return loading;
    },
    clear(key) {
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
  };
}
