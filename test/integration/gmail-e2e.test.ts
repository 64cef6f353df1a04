/**
 * The Gmail side end to end, assembled from the configuration `negotiator sandbox` prints:
 * signed pushes into POST /webhooks/gmail on a real port, duplicates and drops included, a
 * persona replying in the team mailbox — each reply becomes exactly one negotiation event.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { gmailPushRoutes, pushVerifierFromConfig } from '../../src/http/webhooks/index.js';
import { createMail, type RunningMail } from '../../src/mail/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { systemClock } from '../../src/runtime/clock.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RunningEmulator, startEmulator } from '../../src/sandbox/server.js';
import { startRuntime } from '../support/runtime.js';

let sandbox: Sandbox;
let service: RunningEmulator;
let runtime: ReturnType<typeof startRuntime>;
let mail: RunningMail;
const records: string[] = [];

beforeAll(async () => {
  // The service's port must be known to the sandbox (it pushes there): reserve one first.
  const probe = await startEmulator(new Hono());
  const port = probe.port;
  await probe.close();
  sandbox = await startSandbox({ servicePort: port, seed: 11 });
  const config = loadConfig({
    env: { ...sandbox.env(), REVIEW_MODE: 'false', GMAIL_POLL_INTERVAL: '1h' },
    envFile: null,
  });
  runtime = startRuntime({ path: config.database.path, clock: systemClock });
  const assembled = createMail({
    config,
    sqlite: runtime.database.sqlite,
    clock: systemClock,
    logger: silentLogger,
  });
  mail = await assembled.start(runtime);
  const app = new Hono();
  app.route(
    '/webhooks/gmail',
    gmailPushRoutes({
      verifier: pushVerifierFromConfig(config),
      expectedMailbox: mail.address,
      logger: silentLogger,
      record: (change) => {
        records.push(change.pubsubMessageId);
        mail.pushed(change);
      },
    }),
  );
  service = await startEmulator(app, { port });
});
afterAll(async () => {
  await mail?.stop();
  await service?.close();
  await runtime?.close();
  await sandbox?.close();
});

const replies = () =>
  (
    runtime.database.sqlite
      .prepare("select count(*) as n from transitions where event_type = 'REPLY_RECEIVED'")
      .get() as { n: number }
  ).n;

describe('gmail end to end on the sandbox', () => {
  it('watches the mailbox at startup and stores the expiry', () => {
    expect(mail.watch?.expiration()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(sandbox.google.watch.topicName).toBe(sandbox.env().GMAIL_PUBSUB_TOPIC);
  });

  it('turns duplicated pushes into one event per reply', async () => {
    sandbox.push.duplicateRate = 1;
    sandbox.personas.start('accepts-first');
    await sandbox.pusher.settled();
    await mail.sync.sync();
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(new Set(records).size).toBeLessThan(records.length);
    expect(replies()).toBe(1);
  });

  it('still reads a reply whose push was dropped, on the next sync', async () => {
    sandbox.push.duplicateRate = 0;
    sandbox.push.dropRate = 1;
    const before = records.length;
    sandbox.personas.start('haggler');
    await sandbox.pusher.settled();
    expect(records.length).toBe(before);
    expect(replies()).toBe(1);
    await mail.sync.sync(); // what the poll does
    expect(replies()).toBe(2);
  });

  it('refuses a push without a valid token and records nothing', async () => {
    const before = records.length;
    const response = await fetch(`${service.url}/webhooks/gmail`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-jwt', 'content-type': 'application/json' },
      body: JSON.stringify({ message: { data: '', messageId: '1' }, subscription: 's' }),
    });
    expect(response.status).toBe(401);
    expect(records.length).toBe(before);
  });
});
