/**
 * A known influencer replying on a thread the agent never saw starts a negotiation with the
 * campaign's terms and the sheet row's numbers (NEG-01): the whole path on the sandbox — persona
 * mail in Gmail, the persona sheet through a service account, config/campaigns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGmailPort } from '../../src/adapters/gmail/mail-port.js';
import { createGoogleSheetPort } from '../../src/adapters/sheets/index.js';
import { loadCampaigns } from '../../src/config-files/campaigns.js';
import { loadEscalationPolicy } from '../../src/config-files/escalation.js';
import { loadRateCard } from '../../src/config-files/rate-card.js';
import { createCampaignStore } from '../../src/db/campaign-store.js';
import { createMailStore } from '../../src/db/mail-store.js';
import { parseEmail } from '../../src/domain/email/index.js';
import { RetryableError } from '../../src/domain/errors.js';
import { createMailRouter } from '../../src/mail/router.js';
import { createNegotiationStarter, SHEET_FIX_RETRY_MS } from '../../src/mail/starter.js';
import { createMailSync, type MailSync } from '../../src/mail/sync.js';
import { silentLogger } from '../../src/observability/logger.js';
import { resolveFromRoot } from '../../src/paths.js';
import { INFLUENCER_SPREADSHEET } from '../../src/sandbox/google/sheets-fixtures.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { personaById, personaNumbers } from '../../src/sandbox/personas/index.js';
import { createManualClock } from '../support/manual-clock.js';
import { startRuntime, tempDatabasePath } from '../support/runtime.js';

let sandbox: Sandbox;
let runtime: ReturnType<typeof startRuntime>;
let sync: MailSync;
const problems: string[] = [];
let starterFor: (spreadsheetId: string) => ReturnType<typeof createNegotiationStarter>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 3 });
  const env = sandbox.env();
  const clock = createManualClock(Date.now());
  runtime = startRuntime({ path: tempDatabasePath(), clock });
  const configDir = resolveFromRoot('config');
  const escalation = loadEscalationPolicy(configDir);
  const mailbox = sandbox.google.mailbox.address;
  const store = createMailStore(runtime.database.sqlite, mailbox);
  starterFor = (spreadsheetId: string) =>
    createNegotiationStarter({
      sheets: createGoogleSheetPort({
        serviceAccountFile: env.GOOGLE_SERVICE_ACCOUNT_FILE ?? '',
        spreadsheetId,
        rootUrl: env.GOOGLE_API_URL ?? '',
        tokenUrl: env.GOOGLE_TOKEN_URL ?? '',
      }),
      campaigns: loadCampaigns(configDir),
      mailboxAddress: mailbox,
      campaignStore: createCampaignStore(runtime.database.sqlite),
      rateCard: loadRateCard(configDir),
      escalation: {
        overCeilingMarginBps: escalation.overCeilingMarginBps,
        minConfidence: escalation.minConfidence,
        hostileTone: escalation.hostileTone,
        legalLanguage: escalation.legalLanguage,
        unusualDeliverables: escalation.unusualDeliverables,
      },
      settings: {
        reviewMode: false,
        followUpDelayMs: 48 * 3_600_000,
        staleDelayMs: 72 * 3_600_000,
        approvalReminderMs: 4 * 3_600_000,
        holdingReplyMs: null,
      },
      create: runtime.create,
      logger: silentLogger,
      now: clock.now,
      onProblem: (p) => problems.push(p),
    });
  const starter = starterFor(env.INFLUENCER_SHEET_ID ?? '');
  const mail = createGmailPort({
    credentials: {
      clientId: env.GMAIL_CLIENT_ID ?? '',
      clientSecret: env.GMAIL_CLIENT_SECRET ?? '',
      refreshToken: env.GMAIL_REFRESH_TOKEN ?? '',
    },
    rootUrl: env.GOOGLE_API_URL ?? '',
    tokenUrl: env.GOOGLE_TOKEN_URL ?? '',
  });
  const router = createMailRouter({
    store,
    mailboxAddress: mailbox,
    teamDomains: [],
    dispatch: runtime.dispatch,
    startNegotiation: starter,
    now: clock.now,
  });
  sync = createMailSync({ mail, store, router, clock, logger: silentLogger });
});
afterAll(async () => {
  await sync?.stop();
  await runtime?.close();
  await sandbox?.close();
});

describe('starting a negotiation from a reply on an unknown thread', () => {
  it('uses the campaign and the sheet row; strangers are only recorded', async () => {
    const started = sandbox.personas.start('haggler');
    sandbox.google.mailbox.deliver({ from: 'someone@else.test', subject: 'Hi', text: 'Hello?' });
    await sync.sync();
    const row = runtime.database.sqlite
      .prepare(
        'select id, campaign_id as campaignId, influencer_email as email, platform, state from negotiations where thread_id = ?',
      )
      .get(started.threadId) as Record<string, string> | undefined;
    expect(row).toMatchObject({
      id: `neg_${started.threadId}`,
      campaignId: 'spring-launch',
      email: started.profile.email.toLowerCase(),
      platform: started.profile.platform,
    });
    const snapshot = JSON.parse(
      (
        runtime.database.sqlite
          .prepare('select snapshot_json as s from negotiations where id = ?')
          .get(row?.id) as { s: string }
      ).s,
    ) as { context: { terms: { floorCents: number; ceilingCents: number } } };
    const numbers = personaNumbers(personaById('haggler'));
    // The campaign's package may hold more than one deliverable: bounds scale with it.
    expect(snapshot.context.terms.floorCents).toBeGreaterThanOrEqual(numbers.floorCents);
    expect(snapshot.context.terms.ceilingCents).toBeGreaterThan(snapshot.context.terms.floorCents);
    const negotiations = runtime.database.sqlite
      .prepare('select count(*) as n from negotiations')
      .get() as { n: number };
    expect(negotiations.n).toBe(1);
    expect(problems).toEqual([]);
  });

  it("starts the creator's negotiation when their manager writes with the creator in Cc", async () => {
    const started = sandbox.personas.start('talent-manager');
    const first = sandbox.google.mailbox.get(started.reply.id);
    const from = first?.payload.headers.find((h) => h.name.toLowerCase() === 'from')?.value ?? '';
    // The manager writes from their own address, not the creator's.
    expect(from.toLowerCase()).not.toContain(started.profile.email.toLowerCase());
    await sync.sync();
    const row = runtime.database.sqlite
      .prepare('select influencer_email as email from negotiations where thread_id = ?')
      .get(started.threadId) as { email: string } | undefined;
    expect(row?.email).toBe(started.profile.email.toLowerCase());
    const events = runtime.database.sqlite
      .prepare('select event_type as type from transitions where negotiation_id = ? order by seq')
      .all(`neg_${started.threadId}`) as Array<{ type: string }>;
    expect(events.map((e) => e.type)).toContain('REPLY_RECEIVED');
  });

  it("waits for a fix when the sender's row cannot be used: the team is told, the reply read again", async () => {
    problems.length = 0;
    // The messy fixture sheet: Dee's row has "n/a" for views, so it is rejected.
    const start = starterFor(INFLUENCER_SPREADSHEET.id);
    const raw = [
      'From: Dee Okafor <dee@creators.test>',
      'To: team@brand.test',
      'Subject: Re: Collab',
      'Message-ID: <dee-1@creators.test>',
      '',
      'My rate is $900.',
      '',
    ].join('\r\n');
    const attempt = start({
      threadId: 'thread-dee',
      sender: { name: 'Dee Okafor', address: 'dee@creators.test' },
      email: parseEmail(raw),
    });
    await expect(attempt).rejects.toBeInstanceOf(RetryableError);
    await expect(attempt).rejects.toMatchObject({ retryAfterMs: SHEET_FIX_RETRY_MS });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^dee@creators\.test replied, but the influencer sheet cannot be used/,
    );
    expect(problems[0]).toContain('"n/a"');
    const count = runtime.database.sqlite
      .prepare(`select count(*) as n from negotiations where thread_id = 'thread-dee'`)
      .get() as { n: number };
    expect(count.n).toBe(0);
  });
});
