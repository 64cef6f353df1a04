/** Gmail API v1 routes of the Google emulator, as googleapis calls them. */
import type { Context, Hono } from 'hono';
import { type Faults, hang } from '../faults.js';
import { googleError } from './errors.js';
import type { GoogleIdentity } from './identity.js';
import type { Mailbox, StoredMessage } from './mailbox.js';
import type { MimePart } from './mime.js';

const WATCH_DAYS_MS = 7 * 86_400_000;

export interface WatchState {
  topicName: string | null;
  expiration: number | null;
  /** Changes to messages with these labels notify (include) or do not (exclude); [] = all. */
  labelIds: string[];
  include: boolean;
}

/** Whether a change to a message with these labels is published to the watch topic. */
export function watchCovers(watch: WatchState, labelIds: string[], now: number): boolean {
  if (!watch.topicName || watch.expiration === null || watch.expiration <= now) return false;
  if (watch.labelIds.length === 0) return true;
  const hit = labelIds.some((l) => watch.labelIds.includes(l));
  return watch.include ? hit : !hit;
}

function format(m: StoredMessage, how: string, metadataHeaders: string[]) {
  const base = {
    id: m.id,
    threadId: m.threadId,
    labelIds: m.labelIds,
    snippet: m.snippet,
    sizeEstimate: m.raw.length,
    historyId: String(m.historyId),
    internalDate: String(m.internalDate),
  };
  if (how === 'minimal') return base;
  if (how === 'raw') return { ...base, raw: Buffer.from(m.raw).toString('base64url') };
  if (how === 'metadata') {
    const wanted = metadataHeaders.map((h) => h.toLowerCase());
    const headers = wanted.length
      ? m.payload.headers.filter((h) => wanted.includes(h.name.toLowerCase()))
      : m.payload.headers;
    return { ...base, payload: { mimeType: m.payload.mimeType, headers } };
  }
  return { ...base, payload: m.payload satisfies MimePart };
}

const SEARCH_LABELS: Record<string, string> = {
  inbox: 'INBOX',
  sent: 'SENT',
  drafts: 'DRAFT',
  spam: 'SPAM',
  trash: 'TRASH',
  chats: 'CHAT',
};

/** The search operators the agent uses: `newer_than:Nd|Nh`, `in:label` and `-in:label`. */
function matchesSearch(m: StoredMessage, q: string, now: number): boolean {
  for (const [, negated, label] of q.matchAll(/(-?)in:(\w+)/g)) {
    const has = m.labelIds.includes(SEARCH_LABELS[label?.toLowerCase() ?? ''] ?? '');
    if (negated ? has : !has) return false;
  }
  const newer = /newer_than:(\d+)([dhmy])/.exec(q);
  if (newer) {
    const unit = { h: 3_600_000, d: 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 };
    const ms = Number(newer[1]) * unit[newer[2] as keyof typeof unit];
    if (m.internalDate < now - ms) return false;
  }
  return true;
}

export function mountGmail(
  app: Hono,
  deps: {
    mailbox: Mailbox;
    identity: GoogleIdentity;
    faults: Faults;
    watch: WatchState;
    now: () => number;
  },
) {
  const { mailbox } = deps;
  const base = '/gmail/v1/users/:userId';

  /** Requests that must take effect and then never be answered (a `lost` fault). */
  const lost = new WeakSet<Context>();

  /** Auth, the user, then any fault planned for this endpoint; null means go on. */
  async function guard(c: Context, endpoint: string): Promise<Response | null> {
    if (!deps.identity.authorized(c.req.header('authorization'))) return googleError(c, 401);
    const user = c.req.param('userId');
    if (user !== 'me' && user !== mailbox.address)
      return googleError(c, 403, 'Delegation denied for the sandbox mailbox');
    const fault = await deps.faults.next(endpoint);
    if (fault?.kind === 'timeout') return hang();
    if (fault?.kind === 'lost') {
      lost.add(c);
      return null;
    }
    if (fault?.kind === 'status') {
      if (fault.status === 429 || fault.status === 503)
        c.header('retry-after', String(Math.ceil(fault.retryAfterMs / 1000)));
      return googleError(c, fault.status);
    }
    return null;
  }

  app.get(`${base}/profile`, async (c) => {
    const stop = await guard(c, 'profile');
    if (stop) return stop;
    const all = mailbox.all();
    return c.json({
      emailAddress: mailbox.address,
      messagesTotal: all.length,
      threadsTotal: new Set(all.map((m) => m.threadId)).size,
      historyId: String(mailbox.historyId()),
    });
  });

  app.post(`${base}/watch`, async (c) => {
    const stop = await guard(c, 'watch');
    if (stop) return stop;
    const body = (await c.req.json().catch(() => ({}))) as {
      topicName?: string;
      labelIds?: unknown;
      labelFilterBehavior?: unknown;
      labelFilterAction?: unknown;
    };
    if (!/^projects\/[^/]+\/topics\/[^/]+$/.test(body.topicName ?? ''))
      return googleError(c, 400, 'Invalid topicName');
    const labels = body.labelIds ?? [];
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string'))
      return googleError(c, 400, 'Invalid labelIds');
    const behavior = String(body.labelFilterBehavior ?? body.labelFilterAction ?? 'include');
    if (!['include', 'exclude'].includes(behavior.toLowerCase()))
      return googleError(c, 400, 'Invalid labelFilterBehavior');
    deps.watch.topicName = body.topicName ?? null;
    deps.watch.labelIds = labels as string[];
    deps.watch.include = behavior.toLowerCase() === 'include';
    deps.watch.expiration = deps.now() + WATCH_DAYS_MS;
    return c.json({
      historyId: String(mailbox.historyId()),
      expiration: String(deps.watch.expiration),
    });
  });

  app.post(`${base}/stop`, async (c) => {
    const stop = await guard(c, 'stop');
    if (stop) return stop;
    deps.watch.topicName = null;
    deps.watch.expiration = null;
    return c.body(null, 204);
  });

  app.get(`${base}/history`, async (c) => {
    const stop = await guard(c, 'history');
    if (stop) return stop;
    const start = Number(c.req.query('startHistoryId'));
    if (!Number.isSafeInteger(start) || start <= 0)
      return googleError(c, 400, 'Invalid startHistoryId');
    const records = mailbox.historySince(start);
    if (records === null) return googleError(c, 404);
    const label = c.req.query('labelId');
    const matching = label ? records.filter((r) => r.message.labelIds.includes(label)) : records;
    const size = Math.min(Number(c.req.query('maxResults') ?? 100) || 100, 500);
    const offset = Number(c.req.query('pageToken') ?? 0) || 0;
    const page = matching.slice(offset, offset + size);
    const historyId = String(mailbox.historyId());
    if (page.length === 0) return c.json({ historyId });
    return c.json({
      history: page.map((r) => ({
        id: String(r.id),
        messages: [{ id: r.message.id, threadId: r.message.threadId }],
        messagesAdded: [{ message: r.message }],
      })),
      ...(offset + size < matching.length ? { nextPageToken: String(offset + size) } : {}),
      historyId,
    });
  });

  app.get(`${base}/messages`, async (c) => {
    const stop = await guard(c, 'messages.list');
    if (stop) return stop;
    const q = c.req.query('q') ?? '';
    const labels = c.req.queries('labelIds') ?? [];
    const byId = /rfc822msgid:(\S+)/.exec(q)?.[1];
    let found = byId ? mailbox.byRfc822Id(byId) : mailbox.all();
    found = found
      .filter((m) => labels.every((l) => m.labelIds.includes(l)))
      .filter((m) => matchesSearch(m, q, deps.now()))
      .sort((a, b) => b.internalDate - a.internalDate || b.historyId - a.historyId);
    const size = Math.min(Number(c.req.query('maxResults') ?? 100) || 100, 500);
    const offset = Number(c.req.query('pageToken') ?? 0) || 0;
    const page = found.slice(offset, offset + size);
    if (page.length === 0) return c.json({ resultSizeEstimate: 0 });
    return c.json({
      messages: page.map((m) => ({ id: m.id, threadId: m.threadId })),
      ...(offset + size < found.length ? { nextPageToken: String(offset + size) } : {}),
      resultSizeEstimate: found.length,
    });
  });

  app.get(`${base}/messages/:id`, async (c) => {
    const stop = await guard(c, 'messages.get');
    if (stop) return stop;
    const message = mailbox.get(c.req.param('id'));
    if (!message) return googleError(c, 404);
    return c.json(
      format(message, c.req.query('format') ?? 'full', c.req.queries('metadataHeaders') ?? []),
    );
  });

  app.post(`${base}/messages/send`, async (c) => {
    const stop = await guard(c, 'messages.send');
    if (stop) return stop;
    const body = (await c.req.json().catch(() => ({}))) as { raw?: string; threadId?: string };
    if (!body.raw)
      return googleError(
        c,
        400,
        "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
      );
    const raw = Buffer.from(body.raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString(
      'utf8',
    );
    if (!/^to:\s*\S+/im.test(raw)) return googleError(c, 400, 'Invalid To header');
    const sent = mailbox.send(raw, body.threadId);
    if (lost.has(c)) return hang();
    return c.json({ id: sent.id, threadId: sent.threadId, labelIds: sent.labelIds });
  });

  app.get(`${base}/threads/:id`, async (c) => {
    const stop = await guard(c, 'threads.get');
    if (stop) return stop;
    const messages = mailbox.thread(c.req.param('id'));
    if (messages.length === 0) return googleError(c, 404);
    return c.json({
      id: c.req.param('id'),
      historyId: String(Math.max(...messages.map((m) => m.historyId))),
      messages: messages.map((m) => format(m, c.req.query('format') ?? 'full', [])),
    });
  });
}
