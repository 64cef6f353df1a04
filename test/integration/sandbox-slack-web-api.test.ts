/** The real @slack/web-api WebClient against the sandbox Slack Web API and its response_urls. */
import { ErrorCode, WebClient, WebClientEvent } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../src/sandbox/slack/emulator.js';

let slack: Awaited<ReturnType<typeof startSlackEmulator>>;
const client = (token = slack.botToken) =>
  new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 2, factor: 1, minTimeout: 5, maxTimeout: 20 },
  });

beforeAll(async () => {
  slack = await startSlackEmulator();
});
afterAll(async () => {
  await slack.close();
});
afterEach(() => {
  slack.reset();
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

  it("deletes the bot's own message once; a second delete is message_not_found", async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: 'C0DEALS', text: 'live test' });
    await web.chat.delete({ channel: 'C0DEALS', ts: posted.ts ?? '' });
    expect(slack.messages('C0DEALS').map((m) => m.ts)).not.toContain(posted.ts);
    await expect(
      web.chat.delete({ channel: 'C0DEALS', ts: posted.ts ?? '' }),
    ).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'message_not_found' },
    });
  });

  it('keeps thread replies out of channel history unless broadcast, and lists them in replies', async () => {
    const web = client();
    const parent = await web.chat.postMessage({ channel: 'C0DEALS', text: 'Escalation: Ada' });
    const quiet = await web.chat.postMessage({
      channel: 'C0DEALS',
      text: 'Taken over by <@U0ALICE>',
      thread_ts: parent.ts ?? '',
      metadata: { event_type: 'negotiator_effect', event_payload: { key: 'neg_1:postNotice:1' } },
    });
    const loud = await web.chat.postMessage({
      channel: 'C0DEALS',
      text: 'No answer for 3 days',
      thread_ts: parent.ts ?? '',
      reply_broadcast: true,
    });
    const history = await web.conversations.history({ channel: 'C0DEALS' });
    expect(history.messages?.map((m) => m.ts)).toEqual([loud.ts, parent.ts]);
    const replies = await web.conversations.replies({
      channel: 'C0DEALS',
      ts: parent.ts ?? '',
      include_all_metadata: true,
    });
    expect(replies.messages?.map((m) => m.ts)).toEqual([parent.ts, quiet.ts, loud.ts]);
    expect(replies.messages?.[1]).toMatchObject({
      thread_ts: parent.ts ?? '',
      metadata: { event_payload: { key: 'neg_1:postNotice:1' } },
    });
    await expect(
      web.chat.postMessage({ channel: 'C0DEALS', text: 'x', thread_ts: '1.000' }),
    ).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
  });

  it('answers a scripted platform error in Slack terms', async () => {
    slack.faults.set('chat.postMessage', { sequence: ['error:not_in_channel'] });
    await expect(
      client().chat.postMessage({ channel: 'C0DEALS', text: 'hello' }),
    ).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'not_in_channel' } });
    expect(slack.messages('C0DEALS')).toHaveLength(0);
    await client().chat.postMessage({ channel: 'C0DEALS', text: 'hello' });
    expect(slack.messages('C0DEALS')).toHaveLength(1);
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

  it('opens Socket Mode connections for the app-level token only', async () => {
    const opened = await client(slack.appToken).apps.connections.open();
    expect(opened.url).toMatch(
      /^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]+&app_id=A0SANDBOX$/,
    );
    for (const call of [
      client().apps.connections.open(),
      client(slack.appToken).chat.postMessage({ channel: 'C0DEALS', text: 'x' }),
    ])
      expect(await call.catch((e: unknown) => e)).toMatchObject({
        code: ErrorCode.PlatformError,
        data: { ok: false, error: 'not_allowed_token_type' },
      });
  });

  it('faults apps.connections.open like any other method', async () => {
    slack.faults.set('apps.connections.open', { sequence: [503, 503, 503] });
    const failed = await client(slack.appToken)
      .apps.connections.open()
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    expect(slack.calls()).toEqual([]);
  });

  it('validates modals and spends a trigger_id only on a view it opens', async () => {
    const posted = await client().chat.postMessage({
      channel: 'C0DEALS',
      text: 'Counter?',
      blocks: [
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'counter', text: { type: 'plain_text', text: 'Counter' } },
          ],
        },
      ],
    });
    // Nobody is connected over Socket Mode: the click waits, but its trigger_id is already valid.
    const click = slack.clickButton({
      user: 'U0ALICE',
      channel: 'C0DEALS',
      ts: posted.ts ?? '',
      actionId: 'counter',
    });
    const trigger_id = click.payload.trigger_id as string;
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Counter offer' },
      blocks: [],
    };
    const tooLong = await client()
      .views.open({
        trigger_id,
        view: { ...view, title: { type: 'plain_text', text: 'A title of twenty-five ch' } },
      })
      .catch((e: unknown) => e);
    expect(tooLong).toMatchObject({
      data: {
        ok: false,
        error: 'invalid_arguments',
        response_metadata: {
          messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
        },
      },
    });
    const withInput = await client()
      .views.open({
        trigger_id,
        view: {
          ...view,
          blocks: [
            {
              type: 'input',
              label: { type: 'plain_text', text: 'Amount' },
              element: { type: 'plain_text_input' },
            },
          ],
        },
      })
      .catch((e: unknown) => e);
    expect(withInput).toMatchObject({ data: { error: 'invalid_arguments' } });

    const opened = await client().views.open({ trigger_id, view });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V[A-Z0-9]{10}$/),
      type: 'modal',
      title: { type: 'plain_text', text: 'Counter offer' },
      submit: null,
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      root_view_id: opened.view?.id,
      previous_view_id: null,
      app_id: 'A0SANDBOX',
      bot_id: 'B0NEGOTIATOR',
    });
    const unknown = await client()
      .views.open({ trigger_id: '1.2.3', view })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ data: { error: 'invalid_trigger_id' } });

    const viewId = opened.view?.id ?? '';
    const stale = await client()
      .views.update({ view_id: viewId, hash: 'stale', view })
      .catch((e: unknown) => e);
    expect(stale).toMatchObject({ data: { error: 'hash_conflict' } });
    const updated = await client().views.update({
      view_id: viewId,
      hash: opened.view?.hash ?? '',
      view: { ...view, title: { type: 'plain_text', text: 'Counter (2)' } },
    });
    expect(updated.view).toMatchObject({ id: viewId, title: { text: 'Counter (2)' } });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    expect(slack.views()).toMatchObject([{ user: 'U0ALICE', open: true, view: { id: viewId } }]);
  });

  it('posts ephemeral messages to a user in a channel', async () => {
    const sent = await client().chat.postEphemeral({
      channel: 'C0DEALS',
      user: 'U0BOB',
      text: 'Only you can see this',
    });
    expect(sent).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(slack.ephemerals()).toEqual([
      {
        channel: 'C0DEALS',
        user: 'U0BOB',
        ts: sent.message_ts,
        text: 'Only you can see this',
        source: 'chat.postEphemeral',
      },
    ]);
    expect(slack.messages('C0DEALS')).toEqual([]);
    const stranger = await client()
      .chat.postEphemeral({ channel: 'C0DEALS', user: 'U0NOBODY', text: 'x' })
      .catch((e: unknown) => e);
    expect(stranger).toMatchObject({ data: { error: 'user_not_in_channel' } });
  });

  it('takes five messages per response_url and refuses unknown ones', async () => {
    const command = slack.slashCommand({ user: 'U0BOB', command: '/deal', channel: 'C0DEALS' });
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++)
      statuses.push((await post(command.payload.response_url, { text: `update ${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(slack.ephemerals().map((m) => m.text)).toEqual(
      [1, 2, 3, 4, 5].map((i) => `update ${i}`),
    );
    expect(slack.responses().at(-1)).toMatchObject({ error: 'used_url' });
    const unknown = await post(`${slack.url}/commands/T0SANDBOX/1/nope`, { text: 'x' });
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { ok: false, error: 'no_service' },
    ]);

    slack.faults.set('response_url', { sequence: [503] });
    const fresh = slack.slashCommand({ user: 'U0BOB', command: '/deal', channel: 'C0DEALS' });
    expect((await post(fresh.payload.response_url, { text: 'x' })).status).toBe(503);
  });
});
