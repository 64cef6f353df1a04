/**
 * The process the Gmail crash test kills mid-send. It runs the real runtime, the Gmail sync and
 * the real send handler against the sandbox Google emulator the parent runs (URLs and
 * credentials from the environment); reading and writing are scripted (no model here).
 *
 * Usage: GOOGLE_API_URL=… GOOGLE_TOKEN_URL=… GMAIL_CLIENT_ID=… GMAIL_CLIENT_SECRET=…
 *        GMAIL_REFRESH_TOKEN=… node --import tsx test/support/mail-crash-child.ts DB
 */
import { createGmailPort } from '../../src/adapters/gmail/mail-port.js';
import { createMailStore } from '../../src/db/mail-store.js';
import { openMigratedDatabase } from '../../src/db/open.js';
import { createMailRouter } from '../../src/mail/router.js';
import { createSendEmailHandler } from '../../src/mail/send.js';
import { createMailSync } from '../../src/mail/sync.js';
import { silentLogger } from '../../src/observability/logger.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createRuntime } from '../../src/runtime/index.js';
import { classified, negotiationInput } from './negotiation.js';

export const TEAM = 'team@brand.test';
const [dbPath = ''] = process.argv.slice(2);
const env = (name: string) => process.env[name] ?? '';

const database = openMigratedDatabase({ path: dbPath, synchronous: 'FULL' });
const mail = createGmailPort({
  credentials: {
    clientId: env('GMAIL_CLIENT_ID'),
    clientSecret: env('GMAIL_CLIENT_SECRET'),
    refreshToken: env('GMAIL_REFRESH_TOKEN'),
  },
  rootUrl: env('GOOGLE_API_URL'),
  tokenUrl: env('GOOGLE_TOKEN_URL'),
  timeoutMs: 60_000,
});
const store = createMailStore(database.sqlite, TEAM);
const runtime = createRuntime({
  sqlite: database.sqlite,
  clock: systemClock,
  logger: silentLogger,
  outbox: { leaseMs: 1000, baseDelayMs: 50, maxDelayMs: 200 },
  handlers: {
    classifyReply: {
      async run(effect) {
        return { event: classified(effect.messageId, 'counter', 180_000) };
      },
    },
    composeEmail: {
      async run(effect) {
        return {
          event: {
            type: 'DRAFT_READY',
            draftKey: effect.key,
            subject: 'Re: collab',
            body: `Hi Ada, we can offer $${(effect.offerCents ?? 0) / 100} for the reel.`,
          },
        };
      },
    },
    sendEmail: createSendEmailHandler({
      mail,
      store,
      from: { name: 'Brand', address: TEAM },
      target: (id) =>
        (database.sqlite
          .prepare(
            'select thread_id as threadId, influencer_email as influencerEmail, influencer_name as influencerName from negotiations where id = ?',
          )
          .get(id) as
          | { threadId: string; influencerEmail: string; influencerName: string }
          | undefined) ?? null,
      now: systemClock.now,
    }),
  },
});
const router = createMailRouter({
  store,
  mailboxAddress: TEAM,
  teamDomains: ['brand.test'],
  dispatch: runtime.dispatch,
  startNegotiation: async ({ threadId, sender }) => {
    const id = `neg_${threadId}`;
    runtime.create({
      id,
      threadId,
      influencer: { email: sender.address, name: 'Ada', handle: '@ada', platform: 'instagram' },
      input: negotiationInput({ negotiationId: id }),
    });
    return { started: id };
  },
  now: systemClock.now,
});
const sync = createMailSync({ mail, store, router, clock: systemClock, logger: silentLogger });

runtime.start();
await sync.start();
process.stdout.write('ready\n');
setInterval(() => {}, 1000);
