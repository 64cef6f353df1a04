/**
 * The service `negotiator serve` runs, assembled in one place (the composition root): the
 * database, the durable runtime, the Gmail, model and Slack sides, and the HTTP app, started in
 * that order and stopped in the reverse one. A stop answers `/ready` 503 at once, stops taking
 * requests (those in flight are answered), stops the listeners and the mailbox reader, lets
 * running effects finish within the deadline (any that do not are reconciled by the next start,
 * never redone blindly), and closes the database.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Config } from '../config.js';
import { openMigratedDatabase } from '../db/open.js';
import { formatDuration } from '../domain/duration.js';
import { createApi } from '../http/api.js';
import { createApp } from '../http/app.js';
import { createReadiness } from '../http/readiness.js';
import {
  gmailPushRoutes,
  PushAuthConfigError,
  pushConfigured,
  pushVerifierFromConfig,
} from '../http/webhooks/index.js';
import { createModel } from '../llm/index.js';
import { createMail } from '../mail/index.js';
import { registerBusinessMetrics } from '../observability/business-metrics.js';
import { startInspection } from '../observability/inspector.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { currentRequestId } from '../observability/request-context.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { createRuntime } from '../runtime/index.js';
import type { AlertKind } from '../slack/blocks/service-alert.js';
import { createSlack } from '../slack/index.js';
import type { ListenerErrorHook } from '../slack/interactions/deps.js';

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Told about errors in Slack listeners (Sentry, when configured). */
  onError?: ListenerErrorHook;
}

/** Effects whose whole job is a Slack post: when one is given up on, nobody was told in Slack. */
const SLACK_POSTS = new Set(['postAgreement', 'postEscalation', 'requestApproval', 'postNotice']);

/** The service alert for an effect given up on, saying truthfully where the negotiation is. */
export function deadEffectAlert(kind: string, negotiationId: string, error: string): string {
  const next = SLACK_POSTS.has(kind)
    ? `Its Slack message was not posted: look the negotiation up with \`/negotiation status ${negotiationId}\` once Slack works again.`
    : 'The negotiation went to people.';
  return `Gave up on ${kind} for negotiation ${negotiationId}: ${error}. ${next}`;
}

export async function startService(options: ServiceOptions) {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const database = openMigratedDatabase({
    path: config.database.path,
    synchronous: config.database.synchronous,
    busyTimeoutMs: config.database.busyTimeoutMs,
  });
  const { sqlite } = database;
  const metrics = createMetrics();
  registerBusinessMetrics(metrics.registry, sqlite);

  const slack = createSlack({ config, sqlite, clock, logger });
  const alert = (text: string, key: string, kind: AlertKind) =>
    void slack.alerts.alert(text, { key, kind });
  const mail = createMail({
    config,
    sqlite,
    clock,
    logger,
    onProblem: (text) => alert(text, `gmail:${text.slice(0, 60)}`, 'gmail'),
  });
  const model = createModel({
    config,
    sqlite,
    clock,
    logger,
    send: mail.handlers.sendEmail,
    metrics: metrics.model,
    onProblem: (text) => alert(text, 'model:outage', 'model'),
  });
  // Development only: every actor, restored ones included, in the Stately inspector.
  const inspection = config.inspect.enabled
    ? await startInspection({ port: config.inspect.port, mask: config.inspect.mask })
    : null;
  if (inspection)
    logger.info(
      { url: inspection.url },
      'Stately inspector relay: open this URL to watch the actors',
    );
  const runtime = createRuntime({
    sqlite,
    clock,
    logger,
    ...(inspection ? { inspect: inspection.inspect } : {}),
    handlers: { ...mail.handlers, ...model.handlers, ...slack.handlers },
    outbox: {
      ...model.outboxOptions,
      observe: metrics.effects.observeEffect,
      onDead: (row, error) =>
        alert(deadEffectAlert(row.kind, row.negotiationId, error), `dead:${row.key}`, 'effect'),
    },
  });

  let stopping = false;
  let workersRunning = false;
  // Decided before anything starts: a half-configured push is a warning, not a failed start.
  const pushVerifier = pushConfigured(config) ? pushVerifierFromConfig(config) : null;
  if (!pushVerifier)
    logger.warn(
      `Gmail push is off (${new PushAuthConfigError().message}): POST /webhooks/gmail answers 404 and new mail is read by the poll every ${formatDuration(config.gmail.pollIntervalMs)}`,
    );
  // Effects wait until the mailbox address is known: emails are sent from it, messages link to it.
  runtime.restore();
  const started: Array<() => Promise<unknown>> = [];
  let server: Awaited<ReturnType<typeof listen>>;
  let runningMail: Awaited<ReturnType<typeof mail.start>>;
  let runningSlack: Awaited<ReturnType<typeof slack.start>>;
  try {
    runningMail = await mail.start(runtime);
    started.push(() => runningMail.stop());
    const mailbox = runningMail.address;
    runningSlack = await slack.start({
      dispatch: runtime.dispatch,
      mailbox,
      ...(options.onError ? { onListenerError: options.onError } : {}),
    });
    started.push(() => runningSlack.stop(2_000));
    runtime.startWorkers();
    workersRunning = true;

    const token = config.secrets.API_TOKEN;
    const app = createApp({
      logger,
      metrics,
      shuttingDown: () => stopping,
      readiness: createReadiness({
        sqlite,
        databasePath: config.database.path,
        ...(config.gmail.credentialsFile ? { gmailTokenFile: config.gmail.credentialsFile } : {}),
        workersRunning: () => workersRunning,
        shuttingDown: () => stopping,
      }),
      webhooks: pushVerifier
        ? {
            gmail: gmailPushRoutes({
              verifier: pushVerifier,
              expectedMailbox: mailbox,
              logger,
              record: (change) => runningMail.pushed(change, currentRequestId()),
            }),
          }
        : {},
      ...(token ? { api: createApi({ sqlite, token }) } : {}),
    });
    server = await listen(app.fetch, config.port);
  } catch (error) {
    // Whatever started is stopped, so a failed start ends the process instead of leaving the
    // mailbox reader and the Slack socket running with no HTTP server.
    for (const stop of started.reverse()) await stop().catch(() => {});
    await runtime.stop(1_000).catch(() => false);
    database.close();
    await inspection?.stop();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, mailbox: runningMail.address }, 'negotiator is serving');

  let stopped: Promise<boolean> | null = null;
  return {
    port,
    sqlite,
    runtime,
    /** Idempotent. Resolves true when every running effect finished before the deadline. */
    stop(timeoutMs = config.shutdownTimeoutMs): Promise<boolean> {
      stopped ??= (async () => {
        stopping = true;
        const deadline = Date.now() + timeoutMs;
        const closing = new Promise<void>((resolve) => server.close(() => resolve()));
        await runningSlack.stop(Math.min(5_000, timeoutMs)).catch((error: unknown) => {
          logger.warn({ err: error }, 'slack did not disconnect cleanly');
        });
        await runningMail.stop();
        workersRunning = false;
        const drained = await runtime.stop(Math.max(0, deadline - Date.now()));
        // Keep-alive connections would hold close() open: answered requests are done by now.
        server.closeAllConnections?.();
        await closing;
        database.close();
        await inspection?.stop();
        logger.info({ drained }, 'negotiator stopped');
        return drained;
      })();
      return stopped;
    },
  };
}

export type Service = Awaited<ReturnType<typeof startService>>;

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number) {
  return new Promise<ServerType & { closeAllConnections?: () => void }>((resolve, reject) => {
    const server = serve({ fetch, port }, () => resolve(server));
    server.once('error', reject);
  });
}
