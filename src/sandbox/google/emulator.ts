/** The Google emulator: identity (token, certs), Gmail and Sheets on one loopback port. */
import { Hono } from 'hono';
import { createFaults } from '../faults.js';
import { startEmulator } from '../server.js';
import { mountGmail, type WatchState } from './gmail-routes.js';
import { createGoogleIdentity, generateIdentityKeys } from './identity.js';
import { createMailbox } from './mailbox.js';
import {
  type FixtureSpreadsheet,
  INFLUENCER_SPREADSHEET,
  UNSHARED_SPREADSHEET,
} from './sheets-fixtures.js';
import { mountSheets } from './sheets-routes.js';

export async function startGoogleEmulator(
  options: {
    port?: number;
    now?: () => number;
    mailbox?: string;
    spreadsheets?: FixtureSpreadsheet[];
  } = {},
) {
  const now = options.now ?? Date.now;
  const identity = createGoogleIdentity({ now, keys: await generateIdentityKeys() });
  const mailbox = createMailbox({ now, ...(options.mailbox ? { address: options.mailbox } : {}) });
  const faults = createFaults();
  const watch: WatchState = { topicName: null, expiration: null, labelIds: [], include: true };
  const app = new Hono();
  identity.mount(app, faults);
  mountGmail(app, { mailbox, identity, faults, watch, now });
  const spreadsheets = options.spreadsheets ?? [INFLUENCER_SPREADSHEET, UNSHARED_SPREADSHEET];
  mountSheets(app, { spreadsheets, identity, faults });
  const running = await startEmulator(
    app,
    options.port === undefined ? {} : { port: options.port },
  );
  return {
    ...running,
    /** Pass as `rootUrl` to googleapis (an origin: a path prefix would be dropped). */
    rootUrl: `${running.url}/`,
    tokenUrl: `${running.url}/token`,
    certsUrl: `${running.url}/oauth2/v1/certs`,
    identity,
    mailbox,
    faults,
    watch,
  };
}

export type GoogleEmulator = Awaited<ReturnType<typeof startGoogleEmulator>>;

/**
 * A fetch for `JWT`'s `transporterOptions.fetchImplementation`: the service-account token URL is
 * fixed to oauth2.googleapis.com, so its requests are sent to the emulator instead.
 */
export function googleTokenRedirect(emulatorUrl: string): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(
      url.hostname === 'oauth2.googleapis.com' ? `${emulatorUrl}${url.pathname}` : url,
      init,
    );
  };
}
