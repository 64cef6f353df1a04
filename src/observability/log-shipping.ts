/**
 * One file because the buffer, the batching and the retry policy only make sense together.
 *
 * Ships the JSON log lines to a hosted log service (OBS-07) through the Loki push API
 * (`POST /loki/api/v1/push`, basic auth; Grafana Cloud and self-hosted Loki both take it).
 * Best effort by design: `write` only appends to a bounded buffer and never throws; one batch is
 * in flight at a time, with a timeout; failures back off exponentially (with jitter); when the
 * buffer is full the oldest lines are dropped and counted, and the count is shipped as a warning
 * once the service answers again. Logging, and the service, carry on whatever the receiver does.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

export interface LogShipperOptions {
  /** LOG_SHIP_URL: the push endpoint, or the service's origin (the Loki path is added). */
  url: string;
  /** LOG_SHIP_USER: the basic-auth user (Grafana Cloud: the numeric Loki user id). */
  user?: string | undefined;
  /** LOG_SHIP_TOKEN: the basic-auth password / API token. */
  token?: string | undefined;
  /** LOG_SHIP_LABELS: stream labels added to `service_name` and `level`. */
  labels?: Record<string, string> | undefined;
  /** Lines per push (default 1000). */
  batchLines?: number;
  /** Bytes per push before compression (default 1 MiB). */
  batchBytes?: number;
  /** How often buffered lines are pushed (default 1 s). */
  flushIntervalMs?: number;
  /** The most the buffer holds, in flight included (default 8 MiB); beyond it the oldest go. */
  maxBufferedBytes?: number;
  /** Longer lines are cut to this (default 64 KiB). */
  maxLineBytes?: number;
  /** Per push, the response included (default 10 s). */
  timeoutMs?: number;
  /** First and longest wait after a failed push (default 1 s and 60 s). */
  backoffMs?: { min: number; max: number };
  /** gzip the push body (default true; Loki accepts Content-Encoding: gzip). */
  compress?: boolean;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Told when shipping starts failing, recovers, or drops lines (default: one line on stderr). */
  onProblem?: (message: string) => void;
}

export interface LogShipperStats {
  bufferedLines: number;
  /** Buffered and in flight, in bytes. */
  bufferedBytes: number;
  shippedLines: number;
  /** Dropped because the buffer was full or the receiver refused a batch for good. */
  droppedLines: number;
  failedPushes: number;
  lastError: string | null;
}

export interface LogShipper {
  /** Takes one JSON line (pino's output). Never throws, never waits. */
  write(line: string): void;
  /** Pushes what is buffered now (ignoring any backoff); resolves when done or failed. */
  flush(): Promise<void>;
  /** Stops the timer and makes a last attempt within `timeoutMs` (default 5 s). Never rejects. */
  close(timeoutMs?: number): Promise<void>;
  stats(): LogShipperStats;
}

interface Entry {
  ns: string;
  level: string;
  line: string;
  bytes: number;
}

const LEVELS: Record<string, string> = {
  '10': 'trace',
  '20': 'debug',
  '30': 'info',
  '40': 'warn',
  '50': 'error',
  '60': 'fatal',
};
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses LOG_SHIP_LABELS (`env=prod,host=vm-1`); throws naming the bad part. */
export function parseLogLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf('=');
    const name = at > 0 ? part.slice(0, at).trim() : '';
    const value = at > 0 ? part.slice(at + 1).trim() : '';
    if (!LABEL_NAME.test(name) || value === '')
      throw new Error(`"${part}" is not name=value with a label name of letters, digits and _`);
    labels[name] = value;
  }
  return labels;
}

/** The push URL without credentials, and any user:password found in it. */
function endpoint(url: string): { url: string; user?: string; password?: string } {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/loki/api/v1/push';
  return { url: parsed.toString(), ...(user ? { user } : {}), ...(password ? { password } : {}) };
}

export function createLogShipper(options: LogShipperOptions): LogShipper {
  const target = endpoint(options.url);
  const user = options.user ?? target.user;
  const token = options.token ?? target.password;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user !== undefined || token !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${user ?? ''}:${token ?? ''}`).toString('base64')}`;
  if (options.compress !== false) headers['content-encoding'] = 'gzip';
  const labels = { service_name: 'negotiator', ...options.labels };
  const batchLines = options.batchLines ?? 1000;
  const batchBytes = options.batchBytes ?? 1024 * 1024;
  const maxBytes = Math.max(options.maxBufferedBytes ?? 8 * 1024 * 1024, batchBytes);
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const backoff = options.backoffMs ?? { min: 1000, max: 60_000 };
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const onProblem =
    options.onProblem ??
    ((message: string) => void process.stderr.write(`log shipping: ${message}\n`));

  // A queue with a moving head: dropping the oldest line is O(1).
  let queue: Entry[] = [];
  let head = 0;
  let queuedBytes = 0;
  let inFlightBytes = 0;
  let inFlight: Promise<boolean> | null = null;
  let failures = 0;
  let retryAt = 0;
  let unreported = 0;
  let pumpScheduled = false;
  let closed = false;
  const stats = {
    shippedLines: 0,
    droppedLines: 0,
    failedPushes: 0,
    lastError: null as string | null,
  };

  const queued = () => queue.length - head;

  function dropOldest(): void {
    const entry = queue[head];
    if (!entry) return;
    queue[head] = undefined as unknown as Entry;
    head += 1;
    queuedBytes -= entry.bytes;
    stats.droppedLines += 1;
    unreported += 1;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  function entryOf(raw: string): Entry {
    let line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    let bytes = Buffer.byteLength(line);
    if (bytes > maxLineBytes) {
      line = `${Buffer.from(line).subarray(0, maxLineBytes).toString('utf8')}…[cut]`;
      bytes = Buffer.byteLength(line);
    }
    // pino writes level and time first: no need to parse the whole line.
    const start = line.slice(0, 80);
    const level = LEVELS[/"level":(\d+)/.exec(start)?.[1] ?? ''] ?? 'info';
    const time = /"time":(\d+)/.exec(start)?.[1] ?? String(now());
    return { ns: `${time}000000`, level, line, bytes };
  }

  function enqueue(entry: Entry): void {
    queue.push(entry);
    queuedBytes += entry.bytes;
    while (queuedBytes + inFlightBytes > maxBytes && queued() > 0) dropOldest();
  }

  function takeBatch(): Entry[] {
    const batch: Entry[] = [];
    let bytes = 0;
    while (queued() > 0 && batch.length < batchLines) {
      const entry = queue[head] as Entry;
      if (batch.length > 0 && bytes + entry.bytes > batchBytes) break;
      queue[head] = undefined as unknown as Entry;
      head += 1;
      queuedBytes -= entry.bytes;
      bytes += entry.bytes;
      batch.push(entry);
    }
    if (queued() === 0) {
      queue = [];
      head = 0;
    }
    return batch;
  }

  /** A failed batch goes back in front, within the bound (its oldest lines go first). */
  function requeue(batch: Entry[]): void {
    queue = [...batch, ...queue.slice(head)];
    head = 0;
    queuedBytes += batch.reduce((sum, e) => sum + e.bytes, 0);
    while (queuedBytes > maxBytes && queued() > 0) dropOldest();
  }

  function payload(batch: Entry[]): string {
    const streams = new Map<string, Array<[string, string]>>();
    for (const e of batch) {
      const values = streams.get(e.level) ?? [];
      values.push([e.ns, e.line]);
      streams.set(e.level, values);
    }
    return JSON.stringify({
      streams: [...streams].map(([level, values]) => ({ stream: { ...labels, level }, values })),
    });
  }

  function dropReport(): Entry | null {
    if (unreported === 0) return null;
    const line = JSON.stringify({
      level: 40,
      time: now(),
      service: 'negotiator',
      droppedLines: unreported,
      msg: 'log shipping dropped lines: the buffer was full or the receiver refused them',
    });
    onProblem(`dropped ${unreported} log lines`);
    unreported = 0;
    return entryOf(line);
  }

  /** One push; true when the receiver took it (or refused it for good: retrying cannot help). */
  async function push(batch: Entry[]): Promise<boolean> {
    inFlightBytes = batch.reduce((sum, e) => sum + e.bytes, 0);
    let outcome: 'ok' | 'retry' | 'refused' = 'retry';
    let problem = '';
    try {
      const json = payload(batch);
      const body = options.compress === false ? json : await gzip(json);
      const response = await doFetch(target.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const said = (await response.text().catch(() => '')).slice(0, 200).trim();
      const status = response.status;
      if (response.ok) outcome = 'ok';
      else if (status === 408 || status === 429 || status >= 500) problem = `HTTP ${status}`;
      else {
        outcome = 'refused';
        problem = `HTTP ${status}${said ? `: ${said}` : ''}`;
      }
    } catch (error) {
      const e = error as Error;
      problem = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.message;
    } finally {
      inFlightBytes = 0;
    }
    if (outcome === 'ok') {
      stats.shippedLines += batch.length;
      if (failures > 0) onProblem(`the log service answers again after ${failures} failed pushes`);
      failures = 0;
      retryAt = 0;
      const report = dropReport();
      if (report) enqueue(report);
      return true;
    }
    stats.failedPushes += 1;
    stats.lastError = problem;
    failures += 1;
    if (failures === 1)
      onProblem(`push to ${target.url} failed (${problem}); retrying with backoff`);
    const wait = Math.min(backoff.max, backoff.min * 2 ** Math.min(failures - 1, 20));
    retryAt = now() + wait * (0.5 + random() / 2);
    if (outcome === 'refused') {
      stats.droppedLines += batch.length;
      unreported += batch.length;
    } else requeue(batch);
    return false;
  }

  function pump(force = false): Promise<boolean> | null {
    if (inFlight) return inFlight;
    if (queued() === 0 || (!force && now() < retryAt)) return null;
    const batch = takeBatch();
    inFlight = push(batch).finally(() => {
      inFlight = null;
      if (!closed && (queued() >= batchLines || queuedBytes >= batchBytes)) schedule();
    });
    return inFlight;
  }

  function schedule(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      void pump();
    });
  }

  const timer = setInterval(() => void pump(), options.flushIntervalMs ?? 1000);
  timer.unref();

  async function drain(deadline: number): Promise<void> {
    while (queued() > 0 && now() < deadline) {
      if (inFlight) await inFlight;
      const ok = await pump(true);
      if (ok === false || ok === null) return;
    }
  }

  return {
    write(line) {
      if (closed) return;
      try {
        enqueue(entryOf(line));
        if (queued() >= batchLines || queuedBytes >= batchBytes) schedule();
      } catch {
        // Never let shipping break the caller's logging.
      }
    },
    async flush() {
      try {
        if (inFlight) await inFlight;
        await drain(Number.POSITIVE_INFINITY);
      } catch {}
    },
    async close(ms = 5000) {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      const deadline = now() + ms;
      try {
        await Promise.race([
          drain(deadline),
          new Promise((resolve) => setTimeout(resolve, ms).unref()),
        ]);
      } catch {}
    },
    stats: () => ({
      bufferedLines: queued(),
      bufferedBytes: queuedBytes + inFlightBytes,
      ...stats,
    }),
  };
}
