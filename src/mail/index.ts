/**
 * The Gmail side of the agent, assembled from configuration. Two steps because the runtime needs
 * the send handler before it exists, and the router needs the runtime:
 *
 *   const mail = createMail({ config, sqlite, clock, logger });
 *   const runtime = createRuntime({ …, handlers: { ...mail.handlers } });
 *   const running = await mail.start(runtime);   // profile, sync from the stored cursor, watch
 *   …  running.pushed(change)                     // from POST /webhooks/gmail
 *   await running.stop();
 */
import type Database from 'better-sqlite3';
import { createGmailPort, type MailPort } from '../adapters/gmail/mail-port.js';
import { createGoogleSheetPort } from '../adapters/sheets/index.js';
import type { Config } from '../config.js';
import { loadCampaigns } from '../config-files/campaigns.js';
import { loadEscalationPolicy } from '../config-files/escalation.js';
import { loadRateCard } from '../config-files/rate-card.js';
import { createCampaignStore } from '../db/campaign-store.js';
import { createMailStore } from '../db/mail-store.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/index.js';
import { createMailRouter } from './router.js';
import { createSendEmailHandler } from './send.js';
import { createNegotiationStarter } from './starter.js';
import { createMailSync } from './sync.js';
import { createWatchKeeper } from './watch.js';

/** Free-mail domains are never "the team": a colleague on gmail.com is not a takeover signal. */
const PUBLIC_DOMAINS = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com']);

export class MailConfigError extends Error {
  constructor(missing: string[]) {
    super(`Gmail is not configured: set ${missing.join(', ')}`);
    this.name = 'MailConfigError';
  }
}

export function createMail(deps: {
  config: Config;
  sqlite: Database.Database;
  clock: Clock;
  logger: Logger;
  /** Alerts (Slack notices once that exists); always logged as well. */
  onProblem?: (problem: string) => void;
  /** Overrides the Gmail port (tests). */
  mail?: MailPort;
}) {
  const { config } = deps;
  const secrets = config.secrets;
  const missing = [
    ...(config.gmail.clientId ? [] : ['GMAIL_CLIENT_ID']),
    ...(secrets.GMAIL_CLIENT_SECRET ? [] : ['GMAIL_CLIENT_SECRET']),
    ...(secrets.GMAIL_REFRESH_TOKEN ? [] : ['GMAIL_REFRESH_TOKEN']),
  ];
  if (!deps.mail && missing.length > 0) throw new MailConfigError(missing);
  const mail =
    deps.mail ??
    createGmailPort({
      credentials: {
        clientId: config.gmail.clientId ?? '',
        clientSecret: secrets.GMAIL_CLIENT_SECRET ?? '',
        refreshToken: secrets.GMAIL_REFRESH_TOKEN ?? '',
      },
      ...(config.endpoints.googleApiUrl ? { rootUrl: config.endpoints.googleApiUrl } : {}),
      ...(config.endpoints.googleTokenUrl ? { tokenUrl: config.endpoints.googleTokenUrl } : {}),
    });
  const log = deps.logger.child({ component: 'mail' });
  const problem = (text: string) => {
    log.error({ problem: text }, 'mail problem');
    deps.onProblem?.(text);
  };
  // The address is known after `start` reads the profile; the handler asks for it lazily.
  let address = '';
  let store: ReturnType<typeof createMailStore> | null = null;
  const storeFor = () => {
    if (!store) throw new Error('mail not started: the mailbox address is not known yet');
    return store;
  };

  const sendEmail = createSendEmailHandler({
    mail,
    get store() {
      return storeFor();
    },
    get from() {
      return { name: config.gmail.fromName ?? null, address };
    },
    target: (negotiationId) =>
      (deps.sqlite
        .prepare(`select thread_id as threadId, influencer_email as influencerEmail,
          influencer_name as influencerName from negotiations where id = ?`)
        .get(negotiationId) as
        | { threadId: string | null; influencerEmail: string; influencerName: string | null }
        | undefined) ?? null,
    now: deps.clock.now,
  });

  return {
    handlers: { sendEmail },
    async start(runtime: Pick<Runtime, 'create' | 'dispatch'>) {
      const profile = await mail.profile();
      address = profile.address;
      store = createMailStore(deps.sqlite, address);
      const domain = address.split('@')[1] ?? '';
      const teamDomains = config.gmail.teamDomains.length
        ? config.gmail.teamDomains
        : PUBLIC_DOMAINS.has(domain)
          ? []
          : [domain];
      const escalation = loadEscalationPolicy(config.configDir);
      const sheetsFile = config.sheets.serviceAccountFile;
      const starter = sheetsFile
        ? createNegotiationStarter({
            sheets: createGoogleSheetPort({
              serviceAccountFile: sheetsFile,
              spreadsheetId: config.sheets.influencerSheetId,
              rootUrl: config.endpoints.googleApiUrl,
              tokenUrl: config.endpoints.googleTokenUrl,
              now: deps.clock.now,
            }),
            campaigns: loadCampaigns(config.configDir),
            campaignStore: createCampaignStore(deps.sqlite),
            rateCard: loadRateCard(config.configDir),
            escalation,
            settings: {
              reviewMode: config.negotiation.reviewMode,
              followUpDelayMs: config.negotiation.followUpDelayMs,
              staleDelayMs: config.negotiation.staleDelayMs,
              approvalReminderMs: config.negotiation.approvalReminderMs,
            },
            create: runtime.create,
            logger: log,
            now: deps.clock.now,
            onProblem: problem,
          })
        : async () => ({ unknown: 'no influencer sheet is configured' });
      const router = createMailRouter({
        store,
        mailboxAddress: address,
        teamDomains,
        dispatch: runtime.dispatch,
        startNegotiation: starter,
        now: deps.clock.now,
      });
      const sync = createMailSync({
        mail,
        store,
        router,
        clock: deps.clock,
        logger: deps.logger,
        options: { pollIntervalMs: config.gmail.pollIntervalMs },
        onProblem: problem,
      });
      const topic = config.gmail.pubsubTopic;
      const watch = topic
        ? createWatchKeeper({
            mail,
            store,
            clock: deps.clock,
            logger: deps.logger,
            topicName: topic,
            onProblem: problem,
          })
        : null;
      if (!watch) log.warn('GMAIL_PUBSUB_TOPIC is not set: no push, polling only');
      const first = await sync.start();
      await watch?.start();
      const mailStore = store;
      return {
        address,
        store: mailStore,
        sync,
        watch,
        firstSync: first,
        /** A verified push: noted durably (once per Pub/Sub message), then the sync wakes. */
        pushed(change: { historyId: string; pubsubMessageId: string }): void {
          const fresh = mailStore.recordPush(
            change.historyId,
            change.pubsubMessageId,
            deps.clock.now(),
          );
          if (fresh) sync.wake();
        },
        async stop(): Promise<void> {
          watch?.stop();
          await sync.stop();
        },
      };
    },
  };
}

export type Mail = ReturnType<typeof createMail>;
export type RunningMail = Awaited<ReturnType<Mail['start']>>;
