/** The real googleapis Gmail client against the sandbox Google emulator. */
import { OAuth2Client } from 'google-auth-library';
import { google } from 'googleapis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import { watchCovers } from '../../src/sandbox/google/gmail-routes.js';
import { buildMessage } from '../../src/sandbox/google/mime.js';
import { sandboxGmail } from '../support/google.js';

let google_: GoogleEmulator;
let gmail: ReturnType<typeof google.gmail>;

beforeAll(async () => {
  google_ = await startGoogleEmulator();
  gmail = sandboxGmail(google_);
});
afterAll(async () => {
  await google_.close();
});
beforeEach(() => google_.faults.clear());

const raw = (text: string) => Buffer.from(text).toString('base64url');
describe('sandbox Gmail', () => {
  it('serves the profile with a string historyId', async () => {
    const { data } = await gmail.users.getProfile({ userId: 'me' });
    expect(data.emailAddress).toBe('team@brand.test');
    expect(typeof data.historyId).toBe('string');
  });

  it('threads a reply only with threadId, In-Reply-To and the same subject', async () => {
    const inbound = google_.mailbox.deliver({
      from: 'Ada <ada@creators.test>',
      subject: 'Spring collab',
      text: 'Hi! My rate is $1,800.',
      html: '<p>Hi! My rate is <b>$1,800</b>.</p>',
      messageId: '<ada-1@creators.test>',
    });
    const reply = buildMessage({
      from: 'team@brand.test',
      to: 'ada@creators.test',
      subject: 'Re: Spring collab',
      text: 'We can offer $1,250.',
      inReplyTo: '<ada-1@creators.test>',
      references: '<ada-1@creators.test>',
      messageId: '<neg_1-sendEmail-1@negotiator>',
    });
    const sent = await gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: raw(reply), threadId: inbound.threadId },
    });
    expect(sent.data).toMatchObject({ threadId: inbound.threadId, labelIds: ['SENT'] });
    const wrongSubject = buildMessage({
      from: 'team@brand.test',
      to: 'ada@creators.test',
      subject: 'Something else',
      text: 'x',
      inReplyTo: '<ada-1@creators.test>',
    });
    const detached = await gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: raw(wrongSubject), threadId: inbound.threadId },
    });
    expect(detached.data.threadId).not.toBe(inbound.threadId);
    const thread = await gmail.users.threads.get({ userId: 'me', id: inbound.threadId });
    expect(thread.data.messages?.map((m) => m.id)).toEqual([inbound.id, sent.data.id]);
  });

  it('returns messages in full, raw, metadata and minimal formats', async () => {
    const inbound = google_.mailbox.deliver({
      from: 'bo@creators.test',
      subject: 'Rates',
      text: 'Plain part',
      html: '<p>HTML part</p>',
    });
    const full = await gmail.users.messages.get({ userId: 'me', id: inbound.id, format: 'full' });
    expect(full.data.payload?.mimeType).toBe('multipart/alternative');
    const text = full.data.payload?.parts?.find((p) => p.mimeType === 'text/plain');
    expect(Buffer.from(text?.body?.data ?? '', 'base64url').toString()).toBe('Plain part');
    expect(full.data.labelIds).toEqual(['INBOX', 'UNREAD']);
    const rawFormat = await gmail.users.messages.get({
      userId: 'me',
      id: inbound.id,
      format: 'raw',
    });
    expect(Buffer.from(rawFormat.data.raw ?? '', 'base64url').toString()).toContain(
      'Subject: Rates',
    );
    const metadata = await gmail.users.messages.get({
      userId: 'me',
      id: inbound.id,
      format: 'metadata',
      metadataHeaders: ['Subject', 'From'],
    });
    expect(metadata.data.payload?.headers?.map((h) => h.name).sort()).toEqual(['From', 'Subject']);
    const minimal = await gmail.users.messages.get({
      userId: 'me',
      id: inbound.id,
      format: 'minimal',
    });
    expect(minimal.data.payload).toBeUndefined();
    expect(typeof minimal.data.internalDate).toBe('string');
  });

  it('finds a sent message by its RFC 822 Message-ID', async () => {
    const message = buildMessage({
      from: 'team@brand.test',
      to: 'cy@creators.test',
      subject: 'Offer',
      text: 'x',
      messageId: '<neg_9-sendEmail-2@negotiator>',
    });
    const sent = await gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: raw(message) },
    });
    const found = await gmail.users.messages.list({
      userId: 'me',
      q: 'rfc822msgid:<neg_9-sendEmail-2@negotiator>',
    });
    expect(found.data.messages?.map((m) => m.id)).toEqual([sent.data.id]);
    const none = await gmail.users.messages.list({
      userId: 'me',
      q: 'rfc822msgid:<never-sent@negotiator>',
    });
    expect(none.data).toEqual({ resultSizeEstimate: 0 });
  });

  it('lists history ascending across pages, and only a cursor when nothing changed', async () => {
    const { data: profile } = await gmail.users.getProfile({ userId: 'me' });
    const start = profile.historyId ?? '';
    const delivered = Array.from({ length: 5 }, (_, i) =>
      google_.mailbox.deliver({ from: `p${i}@creators.test`, subject: `S${i}`, text: 'hello' }),
    );
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await gmail.users.history.list({
        userId: 'me',
        startHistoryId: start,
        maxResults: 2,
        historyTypes: ['messageAdded'],
        ...(pageToken ? { pageToken } : {}),
      });
      for (const h of data.history ?? [])
        for (const added of h.messagesAdded ?? []) seen.push(added.message?.id ?? '');
      pageToken = data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(seen).toEqual(delivered.map((m) => m.id));
    expect(pages).toBe(3);
    const { data: quiet } = await gmail.users.history.list({
      userId: 'me',
      startHistoryId: String(google_.mailbox.historyId()),
    });
    expect(quiet).toEqual({ historyId: String(google_.mailbox.historyId()) });
  });

  it('answers 404 for a history cursor older than retention', async () => {
    const old = String(google_.mailbox.historyId());
    google_.mailbox.deliver({ from: 'late@creators.test', subject: 'x', text: 'x' });
    google_.mailbox.expireHistory();
    const failure = (await gmail.users.history
      .list({ userId: 'me', startHistoryId: old })
      .catch((e: unknown) => e)) as {
      status?: number;
      response?: { data: { error: { errors: Array<{ reason: string }> } } };
    };
    expect(failure.status).toBe(404);
    expect(failure.response?.data.error.errors[0]?.reason).toBe('notFound');
  });

  it('starts and stops a watch with string historyId and expiration about 7 days out', async () => {
    const { data } = await gmail.users.watch({
      userId: 'me',
      requestBody: {
        topicName: 'projects/sandbox/topics/gmail',
        labelIds: ['INBOX'],
        labelFilterBehavior: 'INCLUDE',
      },
    });
    expect(Number(data.expiration) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(typeof data.historyId).toBe('string');
    expect(watchCovers(google_.watch, ['INBOX', 'UNREAD'], Date.now())).toBe(true);
    expect(watchCovers(google_.watch, ['SENT'], Date.now())).toBe(false);
    expect(watchCovers(google_.watch, ['INBOX'], Number(data.expiration))).toBe(false);
    expect((await gmail.users.stop({ userId: 'me' })).status).toBe(204);
    expect(watchCovers(google_.watch, ['INBOX'], Date.now())).toBe(false);
    const bad = (await gmail.users
      .watch({ userId: 'me', requestBody: { topicName: 'gmail' } })
      .catch((e: unknown) => e)) as { status?: number };
    expect(bad.status).toBe(400);
  });

  it('retries a GET on 503 (gaxios) but never retries a send', async () => {
    google_.faults.set('profile', { sequence: [503], retryAfterMs: 10 });
    expect((await gmail.users.getProfile({ userId: 'me' })).status).toBe(200);
    google_.faults.set('messages.send', { sequence: [500] });
    const before = google_.mailbox.all().length;
    const message = buildMessage({
      from: 'team@brand.test',
      to: 'x@creators.test',
      subject: 'x',
      text: 'x',
    });
    const failure = (await gmail.users.messages
      .send({ userId: 'me', requestBody: { raw: raw(message) } })
      .catch((e: unknown) => e)) as { status?: number };
    expect(failure.status).toBe(500);
    expect(google_.mailbox.all().length).toBe(before);
  });

  it('refuses calls without a valid token', async () => {
    const anonymous = google.gmail({ version: 'v1', rootUrl: google_.rootUrl });
    const failure = (await anonymous.users
      .getProfile({ userId: 'me' })
      .catch((e: unknown) => e)) as { status?: number };
    expect(failure.status).toBe(401);
  });

  it('answers a token endpoint outage in OAuth shape, which the library retries', async () => {
    google_.faults.set('token', { errorRate: 1, status: 503 });
    const auth = new OAuth2Client({
      clientId: google_.identity.clientId,
      clientSecret: google_.identity.clientSecret,
      endpoints: { oauth2TokenUrl: google_.tokenUrl },
    });
    auth.setCredentials({ refresh_token: google_.identity.refreshToken });
    const fresh = google.gmail({ version: 'v1', auth, rootUrl: google_.rootUrl });
    const failure = (await fresh.users.getProfile({ userId: 'me' }).catch((e: unknown) => e)) as {
      status?: number;
      response?: { data?: { error?: string } };
    };
    expect(failure.status).toBe(503);
    expect(failure.response?.data?.error).toBe('temporarily_unavailable');
    google_.faults.set('token', { sequence: [503] });
    expect((await fresh.users.getProfile({ userId: 'me' })).status).toBe(200);
  });
});
