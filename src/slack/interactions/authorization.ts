/**
 * Who may act on a negotiation from Slack: the configured users anywhere, or — when none are
 * configured — anyone acting from the agent's own channel. Everyone else is told so privately and
 * nothing changes.
 */
import type { WebClient } from '@slack/web-api';
import type { InteractionDeps } from './deps.js';

export function isAuthorized(
  deps: Pick<InteractionDeps, 'allowedUsers' | 'channel'>,
  user: string,
  channel: string | undefined,
): boolean {
  if (deps.allowedUsers.length > 0) return deps.allowedUsers.includes(user);
  return channel === deps.channel;
}

export function refusalText(deps: Pick<InteractionDeps, 'allowedUsers' | 'channel'>): string {
  return deps.allowedUsers.length > 0
    ? 'You are not on the list of people who can decide on negotiations; nothing was changed.'
    : `Negotiations can only be decided from <#${deps.channel}>; nothing was changed.`;
}

/** A message only `user` sees, in `channel`. */
export async function tellUser(
  client: WebClient,
  target: { channel: string; user: string },
  text: string,
): Promise<void> {
  await client.chat.postEphemeral({ channel: target.channel, user: target.user, text });
}
