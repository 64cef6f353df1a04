/**
 * The real Google Sheets API through the service's own port (createGoogleSheetPort), signed in
 * as the service account: the configured influencer sheet is shared with it, its header is
 * usable, and a row is read and found again by its address. Read-only.
 */
import { describe, expect, it } from 'vitest';
import { createGoogleSheetPort } from '../../src/adapters/sheets/index.js';
import { config, liveTitle } from './live-env.js';

const { serviceAccountFile, influencerSheetId } = config.sheets;
const missing = [
  ...(serviceAccountFile ? [] : ['GOOGLE_SERVICE_ACCOUNT_FILE (a service-account key, JSON)']),
  ...(influencerSheetId ? [] : ['INFLUENCER_SHEET_ID (shared with that service account)']),
];

describe.skipIf(missing.length > 0)(liveTitle('Google Sheets', missing), () => {
  const sheets = () =>
    createGoogleSheetPort({
      serviceAccountFile: serviceAccountFile ?? '',
      spreadsheetId: influencerSheetId,
      rootUrl: config.endpoints.googleApiUrl,
      tokenUrl: config.endpoints.googleTokenUrl,
      retries: 0,
    });

  it('reads the influencer sheet: a usable header and at least one usable row', async () => {
    const table = await sheets().listInfluencers();
    expect(table.tab).toBeTruthy();
    expect(table.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(table.influencers.length).toBeGreaterThan(0);
    const [first] = table.influencers;
    expect(first?.influencer.email).toMatch(/^[^@\s]+@[^@\s]+$/);
    expect(first?.influencer.averageViews).toBeGreaterThan(0);
    expect(first?.influencer.source).toMatch(/!\d+:\d+$/);
  });

  it('finds that row again by its address, as a new negotiation would', async () => {
    const port = sheets();
    const table = await port.listInfluencers();
    const email = table.influencers[0]?.influencer.email ?? '';
    const lookup = await port.findInfluencer(email.toUpperCase());
    expect(lookup.status).toBe('found');
    if (lookup.status === 'found') expect(lookup.influencer.email).toBe(email);
  });
});
