/**
 * The mailbox, in domain words, on googleapis Gmail v1 with an OAuth2 refresh token. Every
 * failure comes out as RetryableError or PermanentError (errors.ts); a history cursor too old for
 * Google comes out as a value (`expired`), because the caller's answer is a full resync.
 */
import { OAuth2Client } from 'google-auth-library';
import { type gmail_v1, google } from 'googleapis';
import { PermanentError } from '../../domain/errors.js';
import { statusOf, translateGoogleError } from './errors.js';

export interface SeenMessage {
  id: string;
  threadId: string | null;
  historyId: string | null;
}

export interface MailboxMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: Buffer;
  internalDate: number;
}

export type Changes =
  | { expired: true }
  | { expired: false; messages: SeenMessage[]; historyId: string };

export interface MailPort {
  profile(): Promise<{ address: string; historyId: string }>;
  /** Messages added since the cursor (inbox and sent; never drafts, spam, trash or chats). */
  changesSince(historyId: string): Promise<Changes>;
  /** Recent mail by a Gmail search, newest first, at most `max`. */
  search(query: string, max: number): Promise<SeenMessage[]>;
  /** The message with its raw RFC 2822 bytes; null when it no longer exists. */
  fetch(id: string): Promise<MailboxMessage | null>;
  /** The message carrying this RFC 822 Message-ID, if the mailbox has one. */
  findByMessageId(rfc822MessageId: string): Promise<{ id: string; threadId: string } | null>;
  /** Sends raw RFC 2822 (CRLF) into the thread. Never retried here: the caller reconciles. */
  send(raw: string, threadId: string | null): Promise<{ id: string; threadId: string }>;
  watch(topicName: string): Promise<{ historyId: string; expiration: number }>;
  stopWatch(): Promise<void>;
}

export interface GmailCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** Labels whose new messages the agent cares about (replies, and team mail in its threads). */
const WANTED = ['INBOX', 'SENT'];
const UNWANTED = ['DRAFT', 'SPAM', 'TRASH', 'CHAT'];
const PAGE = 500;

export function createGmailPort(options: {
  credentials: GmailCredentials;
  /** `GOOGLE_API_URL`: an origin (googleapis drops a path prefix). */
  rootUrl?: string;
  /** `GOOGLE_TOKEN_URL`. */
  tokenUrl?: string;
  timeoutMs?: number;
}): MailPort {
  const auth = new OAuth2Client({
    clientId: options.credentials.clientId,
    clientSecret: options.credentials.clientSecret,
    ...(options.tokenUrl ? { endpoints: { oauth2TokenUrl: options.tokenUrl } } : {}),
  });
  auth.setCredentials({ refresh_token: options.credentials.refreshToken });
  const gmail = google.gmail({
    version: 'v1',
    auth,
    timeout: options.timeoutMs ?? 30_000,
    ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
  });
  const userId = 'me';

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw translateGoogleError(error, `Gmail ${what}`);
    }
  }

  const wanted = (labels: string[] | null | undefined) =>
    (labels ?? []).some((l) => WANTED.includes(l)) &&
    !(labels ?? []).some((l) => UNWANTED.includes(l));

  return {
    async profile() {
      const { data } = await call('getProfile', () => gmail.users.getProfile({ userId }));
      if (!data.emailAddress || !data.historyId)
        throw new PermanentError('Gmail getProfile answered without an address or historyId');
      return { address: data.emailAddress.toLowerCase(), historyId: String(data.historyId) };
    },

    async changesSince(historyId) {
      const messages: SeenMessage[] = [];
      let pageToken: string | undefined;
      let latest = historyId;
      do {
        let page: gmail_v1.Schema$ListHistoryResponse;
        try {
          ({ data: page } = await gmail.users.history.list({
            userId,
            startHistoryId: historyId,
            historyTypes: ['messageAdded'],
            maxResults: PAGE,
            ...(pageToken ? { pageToken } : {}),
          }));
        } catch (error) {
          if (statusOf(error) === 404) return { expired: true };
          throw translateGoogleError(error, 'history.list');
        }
        for (const record of page.history ?? [])
          for (const added of record.messagesAdded ?? []) {
            const m = added.message;
            if (m?.id && wanted(m.labelIds))
              messages.push({
                id: m.id,
                threadId: m.threadId ?? null,
                historyId: record.id ? String(record.id) : null,
              });
          }
        // The cursor to store is the historyId of the last page (PROTOCOLS.md).
        if (page.historyId) latest = String(page.historyId);
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken);
      return { expired: false, messages, historyId: latest };
    },

    async search(query, max) {
      const found: SeenMessage[] = [];
      let pageToken: string | undefined;
      do {
        const { data } = await call('messages.list', () =>
          gmail.users.messages.list({
            userId,
            q: query,
            maxResults: Math.min(PAGE, max - found.length),
            ...(pageToken ? { pageToken } : {}),
          }),
        );
        for (const m of data.messages ?? [])
          if (m.id) found.push({ id: m.id, threadId: m.threadId ?? null, historyId: null });
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken && found.length < max);
      return found;
    },

    async fetch(id) {
      let data: gmail_v1.Schema$Message;
      try {
        ({ data } = await gmail.users.messages.get({ userId, id, format: 'raw' }));
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw translateGoogleError(error, 'messages.get');
      }
      if (!data.raw || !data.threadId)
        throw new PermanentError(`Gmail messages.get ${id} answered without raw or threadId`);
      return {
        id,
        threadId: data.threadId,
        labelIds: data.labelIds ?? [],
        // Gmail sends base64url, sometimes padded: Buffer accepts both.
        raw: Buffer.from(data.raw, 'base64url'),
        internalDate: Number(data.internalDate ?? 0),
      };
    },

    async findByMessageId(rfc822MessageId) {
      const bare = rfc822MessageId.replace(/^<|>$/g, '');
      const { data } = await call('messages.list', () =>
        gmail.users.messages.list({ userId, q: `rfc822msgid:${bare}`, maxResults: 5 }),
      );
      const hit = data.messages?.find((m) => m.id && m.threadId);
      return hit?.id && hit.threadId ? { id: hit.id, threadId: hit.threadId } : null;
    },

    async send(raw, threadId) {
      const { data } = await call('messages.send', () =>
        gmail.users.messages.send(
          {
            userId,
            requestBody: {
              raw: Buffer.from(raw).toString('base64url'),
              ...(threadId ? { threadId } : {}),
            },
          },
          // A POST is not retried by gaxios anyway; say so, since a retried send is a second email.
          { retry: false },
        ),
      );
      if (!data.id || !data.threadId)
        throw new PermanentError('Gmail messages.send answered without an id');
      return { id: data.id, threadId: data.threadId };
    },

    async watch(topicName) {
      const { data } = await call('watch', () =>
        gmail.users.watch({
          userId,
          requestBody: { topicName, labelIds: ['INBOX'], labelFilterBehavior: 'INCLUDE' },
        }),
      );
      const expiration = Number(data.expiration);
      if (!data.historyId || !Number.isFinite(expiration))
        throw new PermanentError('Gmail watch answered without historyId or expiration');
      return { historyId: String(data.historyId), expiration };
    },

    async stopWatch() {
      await call('stop', () => gmail.users.stop({ userId }));
    },
  };
}
