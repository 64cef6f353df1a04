/**
 * `negotiator demo`: the sandbox's emulators, the real service in a child process (the same
 * `negotiator serve` production runs, real SDKs over real HTTP and WebSocket, a temporary SQLite
 * file), and one negotiation per persona in the cast. The demo plays the outside world only: the
 * influencers (scripted personas answering by email) and a teammate clicking in Slack. It ends
 * with a verdict per negotiation; the run passes only when every one ended as expected, with
 * exactly one agreement alert per agreed deal and no email sent twice.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { resolveFromRoot } from '../paths.js';
import { SANDBOX_CHANNEL, type Sandbox, startSandbox } from '../sandbox/index.js';
import { CAST, type Role } from './cast.js';
import { createDirector } from './director.js';
import { createObserver, type Observer, type Progress } from './observe.js';
import {
  defaultServeCommand,
  freePort,
  type ServeCommand,
  type ServiceProcess,
  startServiceProcess,
} from './service-process.js';
import { writeTranscripts } from './transcripts.js';
import { judge, type Verdict } from './verdict.js';

export interface DemoOptions {
  /** Seeds the personas' words and every random choice in the sandbox (default 1). */
  seed?: number;
  /** Review mode on: every email waits for approval, and the demo clicks Approve. */
  review?: boolean;
  /** Starts the Stately inspector relay in the service (INSPECT=true) on this port. */
  inspectPort?: number;
  /** Where transcripts, the transition logs and the service's log go. */
  outDir: string;
  /** Which personas play (default: the whole cast). */
  cast?: readonly Role[];
  serve?: ServeCommand;
  /** Gives up waiting for the negotiations after this long (default 50 s). */
  timeoutMs?: number;
  /** Aborted (Ctrl-C): stop waiting, stop the service and clean up like at the end. */
  signal?: AbortSignal;
  /** Called about ten times a second with every negotiation's progress. */
  onProgress?: (rows: Progress[], elapsedMs: number) => void;
  /** One line of narration (service up, a click, the stop). */
  onNote?: (line: string) => void;
  /** Awaited once every negotiation has settled, before the service stops (the inspector's pause). */
  beforeStop?: () => Promise<void>;
}

export interface DemoResult {
  ok: boolean;
  seed: number;
  review: boolean;
  durationMs: number;
  verdicts: Verdict[];
  /** Problems of the run itself (the service failed to start or to stop cleanly, a timeout). */
  problems: string[];
  outDir: string;
  files: string[];
}

/** The demo's delays: short enough to see a follow-up and a stale thread within a minute. */
export const DEMO_TIMINGS = { FOLLOW_UP_DELAY: '6s', STALE_DELAY: '6s' } as const;

/**
 * The shipped configuration, copied, with each campaign's own follow-up delays (days, in the
 * shipped files) shortened to the demo's: the files themselves are what the service validates.
 */
function demoConfigDir(dataDir: string): string {
  const dir = join(dataDir, 'config');
  cpSync(resolveFromRoot('config'), dir, { recursive: true });
  const campaigns = join(dir, 'campaigns');
  for (const file of readdirSync(campaigns).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parseDocument(readFileSync(join(campaigns, file), 'utf8'));
    if (!doc.has('follow_up')) continue;
    doc.setIn(['follow_up', 'delay'], DEMO_TIMINGS.FOLLOW_UP_DELAY);
    doc.setIn(['follow_up', 'stale_after'], DEMO_TIMINGS.STALE_DELAY);
    writeFileSync(join(campaigns, file), doc.toString());
  }
  return dir;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const seed = options.seed ?? 1;
  const review = options.review ?? false;
  const cast = options.cast ?? CAST;
  const note = options.onNote ?? (() => {});
  const problems: string[] = [];
  mkdirSync(options.outDir, { recursive: true });

  const port = await freePort();
  const sandbox: Sandbox = await startSandbox({ servicePort: port, seed });
  note(`sandbox: Gmail, Pub/Sub, Sheets, Slack, Anthropic and Sentry emulators on 127.0.0.1`);
  const outreachIds = new Set<string>();
  const threads: Array<{ role: Role; threadId: string; name: string }> = [];
  const logFile = join(options.outDir, 'service.log');
  let service: ServiceProcess | undefined;
  let watch: Observer | undefined;
  let verdicts: Verdict[] = [];
  let files: string[] = [];
  try {
    // An empty env file: a developer's own .env must not reach the demo's service.
    const envFile = join(sandbox.dataDir, 'demo.env');
    writeFileSync(envFile, '');
    const env: Record<string, string> = {
      ...sandbox.env(),
      ENV_FILE: envFile,
      CONFIG_DIR: demoConfigDir(sandbox.dataDir),
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      REVIEW_MODE: String(review),
      ...DEMO_TIMINGS,
      SHUTDOWN_TIMEOUT_MS: '10000',
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      ...(options.inspectPort === undefined
        ? {}
        : { INSPECT: 'true', INSPECT_PORT: String(options.inspectPort) }),
    };
    service = startServiceProcess({
      command: options.serve ?? defaultServeCommand(),
      env,
      port,
      logFile,
    });
    const observer = createObserver({
      sandbox,
      databasePath: env.DATABASE_PATH ?? '',
      channel: SANDBOX_CHANNEL,
      outreachIds,
    });
    watch = observer;
    await service.ready(30_000);
    note(
      `service: negotiator serve on http://127.0.0.1:${port} (review mode ${review ? 'on' : 'off'})`,
    );
    if (options.inspectPort !== undefined)
      note(`Stately inspector: open http://127.0.0.1:${options.inspectPort} to watch the actors`);
    for (const role of cast) {
      const opened = sandbox.personas.start(role.personaId);
      outreachIds.add(opened.outreach.id);
      threads.push({ role, threadId: opened.threadId, name: opened.profile.name });
    }
    const director = createDirector({ sandbox, channel: SANDBOX_CHANNEL, review, note });
    const deadline = started + (options.timeoutMs ?? 50_000);
    let rows: Progress[] = [];
    for (;;) {
      rows = threads.map((t) => observer.progress(t.role, t.threadId, t.name));
      options.onProgress?.(rows, Date.now() - started);
      await director.act(rows);
      if (rows.every((row) => judge(row).settled)) break;
      if (options.signal?.aborted) {
        problems.push('interrupted');
        break;
      }
      if (service.exitCode() !== undefined) {
        problems.push(
          `negotiator serve exited with ${service.exitCode()} during the demo: see ${logFile}`,
        );
        break;
      }
      if (Date.now() > deadline) {
        problems.push(
          `timed out after ${Math.round((Date.now() - started) / 1000)} s waiting for: ${rows
            .filter((row) => !judge(row).settled)
            .map((row) => `${row.role.personaId} (${row.state})`)
            .join(', ')}`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await options.beforeStop?.();
    note('stopping the service (SIGTERM)');
    if (service.exitCode() === undefined) {
      const code = await service.stop(15_000);
      if (code !== 0) problems.push(`negotiator serve exited with ${code} on SIGTERM, not 0`);
    }
    // Read again after the stop: anything posted or sent twice late would show now.
    rows = threads.map((t) => observer.progress(t.role, t.threadId, t.name));
    options.onProgress?.(rows, Date.now() - started);
    verdicts = rows.map((row) => judge(row).verdict);
    files = writeTranscripts({
      outDir: options.outDir,
      rows,
      transitions: (id) => observer.transitions(id),
    });
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    await service?.stop(5_000);
    watch?.close();
    await sandbox.close();
  }
  const ok =
    problems.length === 0 && verdicts.length === cast.length && verdicts.every((v) => v.ok);
  return {
    ok,
    seed,
    review,
    durationMs: Date.now() - started,
    verdicts,
    problems,
    outDir: options.outDir,
    files: [...files, logFile],
  };
}
