/** The real googleapis Gmail client, signed in to a sandbox Google emulator's mailbox. */
import { OAuth2Client } from 'google-auth-library';
import { type gmail_v1, google } from 'googleapis';
import type { GoogleEmulator } from '../../src/sandbox/google/emulator.js';

export function sandboxGmail(
  emulator: Pick<GoogleEmulator, 'identity' | 'tokenUrl' | 'rootUrl'>,
): gmail_v1.Gmail {
  const auth = new OAuth2Client({
    clientId: emulator.identity.clientId,
    clientSecret: emulator.identity.clientSecret,
    endpoints: { oauth2TokenUrl: emulator.tokenUrl },
  });
  auth.setCredentials({ refresh_token: emulator.identity.refreshToken });
  return google.gmail({ version: 'v1', auth, rootUrl: emulator.rootUrl });
}
