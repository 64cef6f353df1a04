/**
 * The shipped Slack app manifest installs what the service uses: Socket Mode, interactivity, the
 * slash command it registers, and a scope for every Web API method it calls.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveFromRoot } from '../../src/paths.js';
import { SLASH_COMMAND } from '../../src/slack/actions.js';

/** The methods the service calls, with the bot scope each needs (none for auth.test, views.*). */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'views.open': [],
};

const manifest = parse(readFileSync(resolveFromRoot('slack-app-manifest.yaml'), 'utf8')) as {
  features: { slash_commands: Array<{ command: string }>; bot_user: { display_name: string } };
  oauth_config: { scopes: { bot: string[] } };
  settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean } };
};

describe('slack-app-manifest.yaml', () => {
  it('turns on Socket Mode and interactivity', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('declares the slash command the app listens to', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    expect(manifest.oauth_config.scopes.bot).toContain('commands');
  });

  it('grants a scope for every method called, and nothing more', () => {
    const needed = new Set([...Object.values(METHOD_SCOPES).flat(), 'commands']);
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });
});
