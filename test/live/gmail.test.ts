/**
 * The real Gmail API through the service's own port (createGmailPort) and message builder: the
 * profile, a message sent from the mailbox to itself and found again by its Message-ID and in the
 * history, and a watch started and stopped. Needs the mailbox's OAuth credentials; the watch also
 * needs GMAIL_PUBSUB_TOPIC. Leaves one self-addressed message ("negotiator live test …") behind.
 *
 * Stopping the watch also stops a running service's watch on the same mailbox until its next
 * renewal (its poll keeps reading meanwhile): point these tests at a test mailbox.
 */
import { describe, expect, it, vi } from 'vitest';
import { createGmailPort } from '../../src/adapters/gmail/mail-port.js';
import { buildOutgoing, messageIdForKey } from '../../src/adapters/gmail/outgoing.js';
import { checkGmailCredentials } from '../../src/startup/gmail-credentials.js';
import { config, liveTitle, runMarker } from './live-env.js';

const checked = checkGmailCredentials(config);
const { credentials } = checked;
const topic = config.gmail.pubsubTopic;
const missing = credentials
  ? []
  : [
      'GMAIL_CLIENT_ID, GMAIL_CLIENT_SECRET and GMAIL_REFRESH_TOKEN (or GMAIL_CREDENTIALS_FILE)',
      // Said only when something is set but wrong (a client id of the wrong shape, a bad file).
      ...checked.problems
        .filter((p) => !p.problem.startsWith('not configured'))
        .map((p) => `(${p.problem})`),
    ];

describe.skipIf(!credentials)(liveTitle('Gmail', missing), () => {
  const mail = () =>
    createGmailPort({
      // Only reached when the credentials are there (the suite is skipped otherwise).
      credentials: credentials ?? { clientId: '', clientSecret: '', refreshToken: '' },
      ...(config.endpoints.googleApiUrl ? { rootUrl: config.endpoints.googleApiUrl } : {}),
      ...(config.endpoints.googleTokenUrl ? { tokenUrl: config.endpoints.googleTokenUrl } : {}),
    });

  it('reads the profile of the mailbox', async () => {
    const profile = await mail().profile();
    expect(profile.address).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
    expect(profile.historyId).toMatch(/^\d+$/);
  });

  it('sends a message to the mailbox itself and finds it by Message-ID and in the history', async () => {
    const port = mail();
    const profile = await port.profile();
    const messageId = messageIdForKey(runMarker, profile.address);
    const subject = `negotiator live test ${runMarker}`;
    const raw = buildOutgoing({
      from: { name: 'negotiator live test', address: profile.address },
      to: [{ name: null, address: profile.address }],
      cc: [],
      subject,
      inReplyTo: null,
      references: [],
      messageId,
      text: `Sent by npm run test:live (${runMarker}). Safe to delete.`,
      date: new Date(),
    });

    const sent = await port.send(raw, null);
    expect(sent.id).toBeTruthy();

    // Search and history are eventually consistent: a few seconds after the send at most.
    const found = await vi.waitFor(
      async () => {
        const hit = await port.findByMessageId(messageId);
        if (!hit) throw new Error(`rfc822msgid:${messageId} not found yet`);
        return hit;
      },
      { timeout: 30_000, interval: 1_000 },
    );
    expect(found).toEqual({ id: sent.id, threadId: sent.threadId });

    const fetched = await port.fetch(sent.id);
    expect(fetched?.labelIds).toContain('SENT');
    expect(fetched?.raw.toString('utf8')).toContain(`Message-ID: ${messageId}`);

    const changes = await vi.waitFor(
      async () => {
        const seen = await port.changesSince(profile.historyId);
        if (seen.expired) throw new Error('the history cursor from a moment ago expired');
        if (!seen.messages.some((m) => m.id === sent.id))
          throw new Error('the sent message is not in the history yet');
        return seen;
      },
      { timeout: 30_000, interval: 1_000 },
    );
    expect(BigInt(changes.historyId)).toBeGreaterThan(BigInt(profile.historyId));
  });

  it.skipIf(!topic)(
    `watches the mailbox on the Pub/Sub topic and stops${topic ? '' : ' (skipped: set GMAIL_PUBSUB_TOPIC)'}`,
    async () => {
      const port = mail();
      const watch = await port.watch(topic ?? '');
      expect(watch.historyId).toMatch(/^\d+$/);
      // Google's watches last about 7 days; the renewal logic assumes at least one.
      expect(watch.expiration).toBeGreaterThan(Date.now() + 24 * 3_600_000);
      await expect(port.stopWatch()).resolves.toBeUndefined();
    },
  );
});
