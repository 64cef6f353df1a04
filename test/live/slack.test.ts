/**
 * The real Slack Web API through the service's own chat port (createSlackChatPort): the bot token
 * works (auth.test), and a message posted with metadata to a test channel is found again by its
 * key, the way a lost answer is reconciled, then deleted (chat.delete with the same token: a bot
 * may delete its own messages) and no longer found. Needs SLACK_BOT_TOKEN and
 * SLACK_TEST_CHANNEL, the id (C…) of a channel the bot is in: never the deals channel.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSlackChatPort } from '../../src/adapters/slack/index.js';
import { context, section } from '../../src/slack/blocks/kit.js';
import { config, liveTitle, runMarker, testVariable } from './live-env.js';

const token = config.secrets.SLACK_BOT_TOKEN;
const channel = testVariable('SLACK_TEST_CHANNEL');
const missing = [
  ...(token ? [] : ['SLACK_BOT_TOKEN (xoxb-…)']),
  ...(channel ? [] : ['SLACK_TEST_CHANNEL (the C… id of a test channel the bot is in)']),
];

describe.skipIf(missing.length > 0)(liveTitle('Slack', missing), () => {
  const apiUrl = config.endpoints.slackApiUrl;
  const chat = () => createSlackChatPort({ token: token ?? '', ...(apiUrl ? { apiUrl } : {}) });
  const client = () =>
    new WebClient(token, {
      ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
      retryConfig: { retries: 2 },
      logLevel: LogLevel.ERROR,
    });
  /** Posted and not yet deleted: removed here if a test stops half-way. */
  const leftOver: { channel: string; ts: string }[] = [];
  afterAll(async () => {
    for (const message of leftOver.splice(0)) await client().chat.delete(message);
  });

  it('signs in with the bot token (auth.test)', async () => {
    const identity = await chat().authTest();
    expect(identity.userId).toMatch(/^[UW][A-Z0-9]+$/);
    expect(identity.teamId).toMatch(/^[TE][A-Z0-9]+$/);
  });

  it('posts to the test channel, finds the message by its metadata key, and deletes it', async () => {
    const port = chat();
    const started = Date.now();
    const message = await port.post({
      channel: channel ?? '',
      text: `negotiator live test ${runMarker}`,
      blocks: [
        section(`*negotiator live test* \`${runMarker}\``),
        context('Posted by npm run test:live and deleted right after.'),
      ],
      metadata: { event_type: 'negotiator_live_test', event_payload: { key: runMarker } },
    });
    leftOver.push(message);
    expect(message.ts).toMatch(/^\d+\.\d+$/);

    const lookFor = {
      channel: message.channel,
      key: runMarker,
      eventType: 'negotiator_live_test',
      oldest: started - 60_000,
    };
    await vi.waitFor(
      async () =>
        expect(await port.findByMetadataKey(lookFor)).toEqual({ ts: message.ts, threadTs: null }),
      { timeout: 15_000, interval: 1_000 },
    );

    const deleted = await client().chat.delete(message);
    leftOver.splice(0);
    expect(deleted.ok).toBe(true);
    await vi.waitFor(async () => expect(await port.findByMetadataKey(lookFor)).toBeNull(), {
      timeout: 15_000,
      interval: 1_000,
    });
  });
});
