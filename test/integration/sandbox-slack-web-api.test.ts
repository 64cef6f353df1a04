/** The real @slack/web-api WebClient against the sandbox Slack Web API. */
import { ErrorCode, WebClient, WebClientEvent } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackWebApi } from '../../src/sandbox/slack/web-api.js';

let slack: Awaited<ReturnType<typeof startSlackWebApi>>;
const client = (token = slack.botToken) =>
  new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 2, factor: 1, minTimeout: 5, maxTimeout: 20 },
  });

beforeAll(async () => {
  slack = await startSlackWebApi();
});
afterAll(async () => {
  await slack.close();
});

describe('sandbox Slack Web API', () => {
  it('answers auth.test for the bot token', async () => {
    expect(await client().auth.test()).toMatchObject({
      ok: true,
      user_id: 'U0NEGOTIATOR',
      bot_id: 'B0NEGOTIATOR',
    });
  });

  it('posts with blocks and metadata, finds the key in history only with include_all_metadata, and updates', async () => {
    const posted = await client().chat.postMessage({
      channel: 'C0DEALS',
      text: 'Deal agreed with Ada: $1,350.00',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Deal agreed* with Ada' } }],
      metadata: {
        event_type: 'negotiation_effect',
        event_payload: { key: 'neg_1:postAgreement:1' },
      },
    });
    expect(posted.ok).toBe(true);
    const plain = await client().conversations.history({ channel: 'C0DEALS' });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const history = await client().conversations.history({
      channel: 'C0DEALS',
      include_all_metadata: true,
    });
    expect(history.messages?.[0]).toMatchObject({
      ts: posted.ts,
      metadata: {
        event_type: 'negotiation_effect',
        event_payload: { key: 'neg_1:postAgreement:1' },
      },
    });
    await client().chat.update({
      channel: 'C0DEALS',
      ts: posted.ts ?? '',
      text: 'Deal agreed (confirmed)',
    });
    expect(slack.messages('C0DEALS').at(-1)?.text).toBe('Deal agreed (confirmed)');
  });

  it('reports platform errors without retrying them', async () => {
    const bad = await client('xoxb-wrong')
      .auth.test()
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'invalid_auth' },
    });
    const missing = await client()
      .chat.postMessage({ channel: 'C0NOPE', text: 'x' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ data: { error: 'channel_not_found' } });
    const tooMany = await client()
      .chat.postMessage({
        channel: 'C0DEALS',
        text: 'x',
        blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })),
      })
      .catch((e: unknown) => e);
    expect(tooMany).toMatchObject({ data: { error: 'invalid_blocks' } });
  });

  it('rate limits with 429 and Retry-After, which the client waits out and retries', async () => {
    slack.faults.set('chat.postMessage', { sequence: [429], retryAfterMs: 1 });
    const web = client();
    let limited = 0;
    web.on(WebClientEvent.RATE_LIMITED, () => {
      limited++;
    });
    const before = slack.messages('C0DEALS').length;
    expect(
      (await web.chat.postMessage({ channel: 'C0DEALS', text: 'after a rate limit' })).ok,
    ).toBe(true);
    expect(limited).toBe(1);
    expect(slack.messages('C0DEALS').length).toBe(before + 1);
  });
});
