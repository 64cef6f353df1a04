/**
 * The state behind the Gmail emulator: messages, threads and the history log of one mailbox,
 * with Gmail's threading rule (a message joins a thread only when it names the thread, refers to
 * one of its messages by RFC 822 Message-ID, and keeps the subject) and a history retention floor.
 */
import { randomBytes } from 'node:crypto';
import {
  bodyText,
  buildMessage,
  decodeHeader,
  type Header,
  headerValue,
  type MimePart,
  type OutgoingMail,
  parseMime,
} from './mime.js';

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: string;
  payload: MimePart;
  internalDate: number;
  historyId: number;
  snippet: string;
}

export interface HistoryRecord {
  id: number;
  message: { id: string; threadId: string; labelIds: string[] };
}

const normalizeSubject = (s: string) =>
  decodeHeader(s)
    .replace(/^\s*((re|fwd?|aw)\s*:\s*)+/i, '')
    .trim()
    .toLowerCase();
const messageIds = (value: string | undefined) => (value ?? '').match(/<[^>]+>/g) ?? [];

export function createMailbox(options: { address?: string; now?: () => number } = {}) {
  const address = options.address ?? 'team@brand.test';
  const now = options.now ?? Date.now;
  const messages = new Map<string, StoredMessage>();
  const history: HistoryRecord[] = [];
  let historyId = 100_000;
  let floor = historyId;
  const listeners = new Set<(message: StoredMessage) => void>();

  const newId = () => randomBytes(8).toString('hex');

  /** Gmail's rule: same thread only with the thread named, a reference into it, and the subject kept. */
  function threadFor(headers: Header[], requestedThreadId: string | undefined): string {
    const refs = [
      ...messageIds(headerValue(headers, 'In-Reply-To')),
      ...messageIds(headerValue(headers, 'References')),
    ];
    const subject = normalizeSubject(headerValue(headers, 'Subject') ?? '');
    for (const ref of refs) {
      const target = [...messages.values()].find(
        (m) => headerValue(m.payload.headers, 'Message-ID') === ref,
      );
      if (
        !target ||
        normalizeSubject(headerValue(target.payload.headers, 'Subject') ?? '') !== subject
      )
        continue;
      if (requestedThreadId === undefined || requestedThreadId === target.threadId)
        return target.threadId;
    }
    return newId();
  }

  function store(raw: string, labelIds: string[], requestedThreadId?: string): StoredMessage {
    const payload = parseMime(raw);
    historyId += 1;
    const message: StoredMessage = {
      id: newId(),
      threadId: threadFor(payload.headers, requestedThreadId),
      labelIds,
      raw,
      payload,
      internalDate: now(),
      historyId,
      snippet: bodyText(payload).replace(/\s+/g, ' ').trim().slice(0, 120),
    };
    messages.set(message.id, message);
    history.push({
      id: historyId,
      message: { id: message.id, threadId: message.threadId, labelIds },
    });
    for (const listener of listeners) listener(message);
    return message;
  }

  return {
    address,
    /** An email arriving from outside (an influencer): INBOX, UNREAD. */
    deliver: (mail: Omit<OutgoingMail, 'to'> & { to?: string }): StoredMessage =>
      store(buildMessage({ ...mail, to: mail.to ?? address }), ['INBOX', 'UNREAD']),
    /** An inbound email given as raw RFC 2822 text (any MIME shape a real client produces). */
    deliverRaw: (raw: string): StoredMessage => store(raw, ['INBOX', 'UNREAD']),
    /** What `messages.send` does with a raw message from the mailbox owner. */
    send: (raw: string, threadId?: string): StoredMessage => store(raw, ['SENT'], threadId),
    get: (id: string) => messages.get(id),
    all: () => [...messages.values()],
    thread: (threadId: string) => [...messages.values()].filter((m) => m.threadId === threadId),
    byRfc822Id: (id: string) =>
      [...messages.values()].filter(
        (m) =>
          headerValue(m.payload.headers, 'Message-ID') === (id.startsWith('<') ? id : `<${id}>`),
      ),
    historyId: () => historyId,
    /** Called after every stored message (inbound or sent); returns the unsubscribe function. */
    subscribe(listener: (message: StoredMessage) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Records after `start`, ascending; null when `start` is older than what is kept. */
    historySince: (start: number): HistoryRecord[] | null =>
      start < floor ? null : history.filter((h) => h.id > start),
    /** Empty the mailbox. History ids keep rising and older cursors get 404, as after a purge. */
    reset(): void {
      messages.clear();
      history.length = 0;
      floor = historyId;
    },
    /** Forget history up to now: older cursors get 404, as after Google's retention window. */
    expireHistory(): void {
      floor = historyId;
    },
  };
}

export type Mailbox = ReturnType<typeof createMailbox>;
