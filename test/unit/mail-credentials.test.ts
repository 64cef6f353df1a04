/** Where the mailbox's OAuth credentials come from, and how a bad source is reported. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { gmailCredentials } from '../../src/mail/index.js';

const dir = mkdtempSync(join(tmpdir(), 'negotiator-creds-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const config = (env: Record<string, string>) => loadConfig({ env, envFile: null });

describe('gmail credentials', () => {
  it('come from the variables, or else from an authorized_user file', () => {
    expect(
      gmailCredentials(
        config({
          GMAIL_CLIENT_ID: 'id',
          GMAIL_CLIENT_SECRET: 'secret',
          GMAIL_REFRESH_TOKEN: 'refresh',
        }),
      ),
    ).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' });
    const path = file(
      'good.json',
      JSON.stringify({
        type: 'authorized_user',
        client_id: 'fid',
        client_secret: 'fsecret',
        refresh_token: 'frefresh',
      }),
    );
    expect(gmailCredentials(config({ GMAIL_CREDENTIALS_FILE: path }))).toEqual({
      clientId: 'fid',
      clientSecret: 'fsecret',
      refreshToken: 'frefresh',
    });
  });

  it('name what is missing, and never echo a broken file (it holds a token)', () => {
    expect(() => gmailCredentials(config({ GMAIL_CLIENT_ID: 'id' }))).toThrow(
      /GMAIL_CLIENT_SECRET, GMAIL_REFRESH_TOKEN, \(or GMAIL_CREDENTIALS_FILE\)/,
    );
    const broken = file('broken.json', '{"client_id":"x","refresh_token":"1//SECRET-TOKEN"');
    const partial = file('partial.json', '{"client_id":"x","refresh_token":"1//SECRET-TOKEN"}');
    for (const path of [broken, partial, join(dir, 'missing.json')]) {
      let message = '';
      try {
        gmailCredentials(config({ GMAIL_CREDENTIALS_FILE: path }));
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('GMAIL_CREDENTIALS_FILE');
      expect(message).not.toContain('SECRET-TOKEN');
    }
  });
});
