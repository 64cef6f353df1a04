/**
 * The setup the Slack integration tests share: a real SQLite runtime, a sandbox Slack and the real
 * Bolt app (createSlackApp) between them over Socket Mode; reads of the runtime's tables, a way
 * to run its outbox until nothing is due, and polling for what arrives over the socket.
 */
import type { Logger } from '../../src/observability/logger.js';
import type { EffectHandlers } from '../../src/runtime/index.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { createInteractionReads } from '../../src/slack/interactions/index.js';
import { createManualClock } from './manual-clock.js';
import { startRuntime, tempDatabasePath } from './runtime.js';

/** The channel the app posts in and listens to. */
export const CHANNEL = 'C0DEALS';
/** The team mailbox whose Gmail threads the messages link to. */
export const MAILBOX = 'deals@agency.test';

export type Runtime = ReturnType<typeof startRuntime>;
export type ManualClock = ReturnType<typeof createManualClock>;

/** Polls a concrete condition (socket delivery is asynchronous), failing with its last error. */
export async function eventually(check: () => void, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** What the app needs of a sandbox Slack: its tokens and Web API URL; and a way to stop it. */
export interface SandboxSlack {
  botToken: string;
  appToken: string;
  apiUrl: string;
  close(): Promise<void>;
}

export interface SlackStack<S extends SandboxSlack> {
  clock: ManualClock;
  rt: Runtime;
  slack: S;
  app: SlackApp;
  /** Stops the app, then the sandbox Slack, then the runtime. */
  stop(): Promise<void>;
}

/**
 * A started runtime on a manual clock with `handlers` for its effects, the sandbox Slack that
 * `startSlack` starts, and the app connected to it: decisions in CHANNEL by `allowedUsers` are
 * dispatched to the runtime. The app does not retry Slack calls and notices a dead socket within
 * a second. Should a part fail to start, what did start is stopped before the error is thrown.
 */
export async function startSlackStack<S extends SandboxSlack>(options: {
  handlers: EffectHandlers;
  startSlack: () => Promise<S>;
  logger: Logger;
  allowedUsers: string[];
}): Promise<SlackStack<S>> {
  const { logger, allowedUsers } = options;
  const clock = createManualClock();
  const rt = startRuntime({ path: tempDatabasePath(), clock, handlers: options.handlers });
  rt.start();
  let slack: S | undefined;
  let app: SlackApp | undefined;
  const stop = async () => {
    await app?.stop();
    await slack?.close();
    await rt.close();
  };
  try {
    slack = await options.startSlack();
    app = createSlackApp({
      botToken: slack.botToken,
      appToken: slack.appToken,
      apiUrl: slack.apiUrl,
      deps: {
        channel: CHANNEL,
        allowedUsers,
        dispatch: rt.dispatch,
        ...createInteractionReads(rt.database.sqlite),
        clock,
        logger,
        mailbox: MAILBOX,
      },
      logger,
      retryConfig: { retries: 0 },
      pingTimeoutMs: 1_000,
    });
    await app.start();
    return { clock, rt, slack, app, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Reads of the runtime's tables, and its outbox run to a standstill, for whichever runtime and
 * clock `current` returns: each test starts its own.
 */
export function runtimeHelpers(current: () => { rt: Runtime; clock: ManualClock }) {
  const sqlite = () => current().rt.database.sqlite;
  const seqOf = (id: string) =>
    (sqlite().prepare('select seq from negotiations where id = ?').get(id) as { seq: number }).seq;
  /** The transitions after `seq`, oldest first. */
  const transitionsAfter = (id: string, seq: number) =>
    sqlite()
      .prepare(`select event_type as eventType, to_state as toState, event_json as eventJson
        from transitions where negotiation_id = ? and seq > ? order by seq`)
      .all(id, seq) as Array<{ eventType: string; toState: string; eventJson: string }>;
  const transitionCount = () =>
    (sqlite().prepare('select count(*) as n from transitions').get() as { n: number }).n;

  /** Runs the outbox until nothing is due now. */
  async function drain(): Promise<void> {
    const { rt, clock } = current();
    for (let i = 0; i < 100; i++) {
      clock.advance(0);
      await rt.worker.idle();
      const next = rt.outbox.nextWakeAt();
      if (rt.worker.inFlight() === 0 && (next === null || next > clock.now())) return;
    }
    throw new Error('the outbox did not settle');
  }

  return { sqlite, seqOf, transitionsAfter, transitionCount, drain };
}
