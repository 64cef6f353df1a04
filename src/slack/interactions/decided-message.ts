/**
 * Once a decision is applied, the message it was made on shows who decided what and loses its
 * buttons, so nobody clicks a decided question again (the blocks come from the "decided"
 * variant in src/slack/blocks/decided.ts).
 */
import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { decidedBlocks } from '../blocks/decided.js';

export interface ShownMessage {
  text?: string;
  blocks?: unknown[];
}

/** "1700000000.000100" → "1700000000.000099": the newest ts before it. */
function justBefore(ts: string): string {
  const [seconds = '0', fraction = ''] = ts.split('.');
  const micros = BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6)) - 1n;
  return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
}

/**
 * The message at `ts`, read back from the channel (a modal submission does not carry it).
 * `latest`+`oldest`+`inclusive` pin it to one message; pages are followed in case a server
 * answers with the newer messages too.
 */
export async function findMessage(
  client: WebClient,
  channel: string,
  ts: string,
): Promise<ShownMessage | null> {
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const answer = await client.conversations.history({
      channel,
      latest: ts,
      oldest: justBefore(ts),
      inclusive: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    const found = answer.messages?.find((m) => m.ts === ts);
    if (found) return found as ShownMessage;
    cursor = answer.response_metadata?.next_cursor;
    if (!answer.has_more || !cursor) return null;
  }
  return null;
}

/** Replaces the message's buttons with `line`; reads the message first when it is not at hand. */
export async function markDecided(
  client: WebClient,
  at: { channel: string; ts: string },
  shown: ShownMessage | null,
  line: string,
): Promise<boolean> {
  const message = shown ?? (await findMessage(client, at.channel, at.ts));
  if (!message) return false;
  await client.chat.update({
    channel: at.channel,
    ts: at.ts,
    text: message.text ?? line,
    blocks: decidedBlocks(message.blocks ?? [], line) as types.KnownBlock[],
  });
  return true;
}
