/**
 * `POST /webhooks/gmail`: Gmail change notifications pushed by Pub/Sub. The route only records
 * "this mailbox changed" durably and acknowledges; the sync worker reads the changes from its
 * stored cursor later. Order: authenticate (no body is read for strangers) → read at most
 * `maxBodyBytes` → validate → record → 204. Nothing is recorded unless every step before passed.
 *
 * Mount it on the service app: `app.route('/webhooks/gmail', gmailPushRoutes(deps))`.
 * With the shared-token verifier the secret is in the query string: request logging must not
 * print the raw URL of this route.
 */
import { type Context, Hono } from 'hono';
import type { Logger } from '../../observability/logger.js';
import { readLimitedBody } from '../limited-body.js';
import { type MailboxChange, parseGmailPush } from './gmail-push-envelope.js';
import type { PushVerifier } from './push-auth.js';

export type { MailboxChange } from './gmail-push-envelope.js';

export interface GmailPushDeps {
  verifier: PushVerifier;
  /**
   * The durable write. Called at most once per request, only after authentication and validation
   * passed; the 204 is sent after it returns, so it must commit before returning. A throw → 500.
   */
  record: (change: MailboxChange) => void | Promise<void>;
  /** The mailbox this service reads; notifications for any other are acknowledged and dropped. */
  expectedMailbox?: string;
  logger: Logger;
  /** Defaults to 64 KiB; a real Gmail notification is well under 1 KiB. */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const AUTH_ERRORS = {
  401: 'unauthorized',
  403: 'forbidden',
  503: 'push authentication temporarily unavailable',
} as const;

/** The webhook as a Hono sub-app whose single route is `POST /`. */
export function gmailPushRoutes(deps: GmailPushDeps): Hono {
  const log = deps.logger.child({ component: 'gmail-webhook' });
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const expectedMailbox = deps.expectedMailbox?.trim().toLowerCase();
  const app = new Hono();

  app.post('/', async (c) => {
    const auth = await deps.verifier.verify({
      authorization: c.req.header('authorization'),
      queryToken: c.req.query('token'),
    });
    if (!auth.ok) {
      // The reason is a fixed phrase chosen by the verifier; credentials are never logged.
      log.warn({ status: auth.status, reason: auth.reason }, 'gmail push refused');
      if (auth.status === 401 && deps.verifier.kind === 'oidc') {
        c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      }
      return c.json({ error: AUTH_ERRORS[auth.status] }, auth.status);
    }

    const body = await readLimitedBody(c.req.raw, maxBodyBytes);
    if (!body.ok) return badRequest(c, log, `body ${body.problem}`);
    const parsed = parseGmailPush(body.text);
    if (!parsed.ok) return badRequest(c, log, parsed.problem);
    const { change } = parsed;

    if (expectedMailbox && change.emailAddress.trim().toLowerCase() !== expectedMailbox) {
      // Acknowledged on purpose: Pub/Sub redelivers anything but a 2xx until the message expires
      // (7 days), and no redelivery will ever make this mailbox ours. It is a misrouted
      // subscription, so it is logged for an operator rather than recorded.
      log.warn(
        { mailbox: change.emailAddress, pubsubMessageId: change.pubsubMessageId },
        'gmail push for another mailbox ignored',
      );
      return c.body(null, 204);
    }

    try {
      await deps.record(change);
    } catch (error) {
      // A 500 makes Pub/Sub redeliver the same message later, which is what we want here.
      log.error({ err: error, pubsubMessageId: change.pubsubMessageId }, 'gmail push not recorded');
      return c.json({ error: 'notification not recorded' }, 500);
    }
    return c.body(null, 204);
  });

  return app;
}

function badRequest(c: Context, log: Logger, problem: string): Response {
  log.warn({ problem }, 'gmail push rejected');
  return c.json({ error: problem }, 400);
}
