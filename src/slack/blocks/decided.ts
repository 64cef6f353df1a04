/**
 * The "decided" variant of any message the agent posted: the same blocks without buttons, and a
 * line saying who decided what, so nobody clicks a decided question again. Works on the blocks
 * as Slack returns them (with block ids and any block type), not only on ours.
 */
import { type ChatMessage, clipMrkdwn, LIMITS } from './kit.js';

type AnyBlock = Record<string, unknown> & { type?: unknown };

/** `line` is mrkdwn written by the caller (a mention and a verb); it is only cut to size. */
export function decidedBlocks(blocks: readonly unknown[], line: string): AnyBlock[] {
  const kept = (blocks as AnyBlock[])
    .filter((b) => b && typeof b === 'object' && b.type !== 'actions')
    .map((b) => {
      const accessory = b.accessory as AnyBlock | undefined;
      if (accessory?.type !== 'button') return b;
      const { accessory: _button, ...rest } = b;
      return rest;
    })
    .slice(0, LIMITS.blocks - 1);
  return [
    ...kept,
    { type: 'context', elements: [{ type: 'mrkdwn', text: clipMrkdwn(line, LIMITS.contextText) }] },
  ];
}

/** The whole message to pass to chat.update: the same notification text, decided blocks. */
export function decidedMessage(
  shown: { text?: string; blocks?: readonly unknown[] },
  line: string,
): Omit<ChatMessage, 'blocks'> & { blocks: AnyBlock[] } {
  return {
    text: clipMrkdwn(shown.text?.trim() ? shown.text : line, LIMITS.fallbackText),
    blocks: decidedBlocks(shown.blocks ?? [], line),
  };
}
