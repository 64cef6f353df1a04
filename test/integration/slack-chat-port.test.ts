/**
 * The chat port on the real @slack/web-api WebClient over HTTP against the sandbox Slack: posts
 * with metadata, finds a message again by its key (paging, bounded, within a window), updates,
 * and turns every failure into RetryableError or PermanentError without the SDK retrying.
 */
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackChatPort } from '../../src/adapters/slack/chat-port.js';
import { PermanentError, RetryableError } from '../../src/domain/errors.js';
import { startEmulator } from '../../src/sandbox/server.js';
import { type SlackEmulator, startSlackEmulator } from '../../src/sandbox/slack/emulator.js';
import type { Block } from '../../src/slack/blocks/kit.js';

const DAY = 24 * 3_600_000;
let slack: SlackEmulator;
let now = 1_800_000_000_000;

beforeAll(async () => {
  slack = await startSlackEmulator({ now: () => now });
});
afterAll(async () => {
  await slack.close();
});
afterEach(() => {
  slack.reset();
});

const port = (options: { token?: string; maxPages?: number; timeoutMs?: number } = {}) =>
  createSlackChatPort({
    token: options.token ?? slack.botToken,
    apiUrl: slack.apiUrl,
    timeoutMs: options.timeoutMs ?? 2_000,
    ...(options.maxPages ? { maxPages: options.maxPages } : {}),
  });

const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: '*Deal agreed*' } }];
const post = (key: string, extra: { threadTs?: string; broadcast?: boolean } = {}) => ({
  channel: 'C0DEALS',
  text: `message ${key}`,
  blocks,
  metadata: { event_type: 'negotiator_effect', event_payload: { key, kind: 'postAgreement' } },
  ...extra,
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as Error,
  );

describe('posting and finding messages', () => {
  it('posts with blocks and metadata, finds it by key, updates it, and knows who it is', async () => {
    const chat = port();
    const posted = await chat.post(post('neg_1:postAgreement:1'));
    const [message] = slack.messages('C0DEALS');
    expect(message).toMatchObject({
      ts: posted.ts,
      text: 'message neg_1:postAgreement:1',
      metadata: {
        event_type: 'negotiator_effect',
        event_payload: { key: 'neg_1:postAgreement:1' },
      },
    });
    expect(posted).toEqual({ channel: 'C0DEALS', ts: message?.ts });
    const params = slack.calls().find((c) => c.method === 'chat.postMessage')?.params;
    expect(params).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });

    const found = await chat.findByMetadataKey({
      channel: 'C0DEALS',
      key: 'neg_1:postAgreement:1',
      oldest: now - DAY,
    });
    expect(found).toEqual({ ts: posted.ts, threadTs: null });
    const otherType = { channel: 'C0DEALS', key: 'neg_1:postAgreement:1', oldest: 0 };
    expect(
      await chat.findByMetadataKey({ ...otherType, eventType: 'negotiator_alert' }),
    ).toBeNull();
    expect(await chat.findByMetadataKey({ ...otherType, eventType: 'negotiator_effect' })).toEqual(
      found,
    );
    const history = slack.calls().find((c) => c.method === 'conversations.history')?.params;
    expect(history).toMatchObject({
      include_all_metadata: 'true',
      oldest: `${(now - DAY) / 1000}.000000`,
    });
    expect(
      await chat.findByMetadataKey({ channel: 'C0DEALS', key: 'neg_2:postAgreement:1', oldest: 0 }),
    ).toBeNull();

    await chat.update({ channel: 'C0DEALS', ts: posted.ts, text: 'decided', blocks });
    expect(slack.messages('C0DEALS')[0]?.text).toBe('decided');
    expect(await chat.authTest()).toEqual({
      userId: 'U0NEGOTIATOR',
      botId: 'B0NEGOTIATOR',
      teamId: 'T0SANDBOX',
    });
  });

  it('replies in a thread, broadcast when asked', async () => {
    const chat = port();
    const parent = await chat.post(post('p'));
    await chat.post(post('r1', { threadTs: parent.ts }));
    await chat.post(post('r2', { threadTs: parent.ts, broadcast: true }));
    const posts = slack.calls().filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => [c.params.thread_ts, c.params.reply_broadcast])).toEqual([
      [undefined, undefined],
      [parent.ts, undefined],
      [parent.ts, 'true'],
    ]);
  });

  it('pages through history a bounded number of times, within the window', async () => {
    const chat = port({ maxPages: 2 });
    await chat.post(post('old-one'));
    now += 2 * DAY;
    for (let i = 0; i < 250; i++) await chat.post(post(`noise-${i}`));
    const key = 'old-one';
    // 251 messages, 200 a page: the second page holds it.
    expect(await chat.findByMetadataKey({ channel: 'C0DEALS', key, oldest: 0 })).not.toBeNull();
    expect(
      await port({ maxPages: 1 }).findByMetadataKey({ channel: 'C0DEALS', key, oldest: 0 }),
    ).toBeNull();
    // Older than the window: not searched at all.
    expect(await chat.findByMetadataKey({ channel: 'C0DEALS', key, oldest: now - DAY })).toBeNull();
  });
});

describe('failures', () => {
  it('hands a 429 back at once as RetryableError with the Retry-After, without retrying', async () => {
    slack.faults.set('chat.postMessage', { sequence: [429], retryAfterMs: 30_000 });
    const error = await failure(port().post(post('k')));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(30_000);
    // A retry inside the SDK would have succeeded (the fault is used up) and posted.
    expect(slack.messages('C0DEALS')).toEqual([]);
  });

  it('treats 5xx, timeouts and lost answers as retryable', async () => {
    slack.faults.set('chat.postMessage', { sequence: [500, 503, 'timeout', 'lost'] });
    const chat = port({ timeoutMs: 300 });
    for (const expected of [/HTTP 500/, /HTTP 503/, /did not answer within 300 ms/]) {
      const error = await failure(chat.post(post('k')));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.message).toMatch(expected);
    }
    expect(slack.messages('C0DEALS')).toEqual([]);
    const lost = await failure(chat.post(post('lost-key')));
    expect(lost).toBeInstanceOf(RetryableError);
    // Slack took it: this is why a retry looks before it posts.
    expect(slack.messages('C0DEALS')).toHaveLength(1);
    expect(
      await chat.findByMetadataKey({ channel: 'C0DEALS', key: 'lost-key', oldest: 0 }),
    ).toMatchObject({ ts: slack.messages('C0DEALS')[0]?.ts });
  });

  it('turns platform errors into PermanentError that says what to fix', async () => {
    const missing = await failure(port().post({ ...post('k'), channel: 'C0NOPE' }));
    expect(missing).toBeInstanceOf(PermanentError);
    expect(missing.message).toMatch(/channel_not_found.*C0NOPE.*SLACK_CHANNEL/);

    const refused = await failure(port({ token: 'xoxb-revoked-token' }).post(post('k')));
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused.message).toMatch(/invalid_auth.*SLACK_BOT_TOKEN/);
    expect(refused.message).not.toContain('xoxb-revoked-token');

    const tooBig = await failure(
      port().post({
        ...post('k'),
        blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })),
      }),
    );
    expect(tooBig).toBeInstanceOf(PermanentError);
    expect(tooBig.message).toMatch(/invalid_blocks.*message builder/);
    expect(slack.messages('C0DEALS')).toEqual([]);
  });
});

describe('errors the sandbox workspace cannot produce', () => {
  // A Web API that answers as Slack does for an app not invited to the channel, or one
  // installed without a scope: HTTP 200 with {ok:false}.
  it('explains not_in_channel and missing_scope', async () => {
    const answers = [
      { ok: false, error: 'not_in_channel' },
      { ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'channels:history' },
      { ok: false, error: 'is_archived' },
      { ok: false, error: 'internal_error' },
    ];
    const app = new Hono();
    app.post('/api/:method', (c) => c.json(answers.shift() ?? { ok: false, error: 'x' }));
    const peer = await startEmulator(app);
    try {
      const chat = createSlackChatPort({ token: 'xoxb-t', apiUrl: `${peer.url}/api/` });
      const notIn = await failure(chat.post(post('k')));
      expect(notIn).toBeInstanceOf(PermanentError);
      expect(notIn.message).toMatch(/invite the app to the channel: \/invite @negotiator/);
      const scope = await failure(chat.post(post('k')));
      expect(scope).toBeInstanceOf(PermanentError);
      expect(scope.message).toMatch(/lacks the scope "chat:write".*reinstall/);
      expect(await failure(chat.post(post('k')))).toBeInstanceOf(PermanentError);
      expect(await failure(chat.post(post('k')))).toBeInstanceOf(RetryableError);
    } finally {
      await peer.close();
    }
  });
});
