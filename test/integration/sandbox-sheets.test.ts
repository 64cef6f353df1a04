/** The real googleapis Sheets client, authenticated as a service account, against the emulator. */
import { JWT } from 'google-auth-library';
import { google } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GoogleEmulator,
  googleTokenRedirect,
  startGoogleEmulator,
} from '../../src/sandbox/google/emulator.js';

let emulator: GoogleEmulator;
let sheets: ReturnType<typeof google.sheets>;
const ID = 'sheet-influencers-spring';

beforeAll(async () => {
  emulator = await startGoogleEmulator();
  const key = emulator.identity.serviceAccountKey('https://oauth2.googleapis.com/token');
  const auth = new JWT({
    email: key.client_email,
    key: key.private_key,
    scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'],
    transporterOptions: { fetchImplementation: googleTokenRedirect(emulator.url) },
  });
  sheets = google.sheets({ version: 'v4', auth, rootUrl: emulator.rootUrl });
});
afterAll(async () => {
  await emulator.close();
});

const status = (e: unknown) => (e as { status?: number }).status;

describe('sandbox Sheets', () => {
  it('reads formatted values with ragged rows and trailing blanks dropped', async () => {
    const { data } = await sheets.spreadsheets.values.get({
      spreadsheetId: ID,
      range: 'Influencers!A1:H20',
    });
    expect(data.majorDimension).toBe('ROWS');
    const rows = data.values ?? [];
    expect(rows[0]).toHaveLength(8);
    expect(rows[1]).toEqual([
      'Ada Lovelace',
      'ada@creators.test',
      '@ada.codes',
      'Instagram',
      '50,000',
      '4.2%',
      '$1,500.00',
      '$2,500.00',
    ]);
    expect(rows[2]).toEqual([
      'Bo Nakamura',
      'Bo Nakamura <bo@creators.test>',
      '@bo_eats',
      'tiktok',
      '1.5k',
      '2.5%',
    ]);
    expect(rows[4]).toEqual([]);
    expect(rows[6]).toEqual([]);
    expect(rows).toHaveLength(8);
  });

  it('reads underlying numbers with UNFORMATTED_VALUE', async () => {
    const { data } = await sheets.spreadsheets.values.get({
      spreadsheetId: ID,
      range: 'Influencers!E2:H2',
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(data.values).toEqual([[50_000, 0.042, 1500, 2500]]);
  });

  it('omits values for an empty range, and batch-gets several ranges', async () => {
    const empty = await sheets.spreadsheets.values.get({
      spreadsheetId: ID,
      range: 'Influencers!J1:K5',
    });
    expect(empty.data.values).toBeUndefined();
    const { data } = await sheets.spreadsheets.values.batchGet({
      spreadsheetId: ID,
      ranges: ['Influencers!A1:B2', "'Notes'!A1"],
    });
    expect(data.valueRanges?.map((r) => r.values)).toEqual([
      [
        ['Name', 'Email'],
        ['Ada Lovelace', 'ada@creators.test'],
      ],
      [['Shortlist agreed with the client on 3 Nov']],
    ]);
  });

  it('lists the sheets of a spreadsheet', async () => {
    const { data } = await sheets.spreadsheets.get({ spreadsheetId: ID });
    expect(data.sheets?.map((s) => s.properties?.title)).toEqual(['Influencers', 'Notes']);
  });

  it('answers 400 for a bad range, 403 when not shared, 404 when unknown', async () => {
    expect(
      status(
        await sheets.spreadsheets.values
          .get({ spreadsheetId: ID, range: 'Nope!A1' })
          .catch((e) => e),
      ),
    ).toBe(400);
    expect(
      status(
        await sheets.spreadsheets.values
          .get({ spreadsheetId: 'sheet-not-shared', range: 'Sheet1' })
          .catch((e) => e),
      ),
    ).toBe(403);
    expect(
      status(await sheets.spreadsheets.get({ spreadsheetId: 'no-such-sheet' }).catch((e) => e)),
    ).toBe(404);
  });

  it('rate limits with 429 in Google shape (retried by gaxios on GET)', async () => {
    emulator.faults.set('sheets.values.get', { sequence: [429, 429, 429, 429] });
    const failure = await sheets.spreadsheets.values
      .get({ spreadsheetId: ID, range: 'Influencers!A1' })
      .catch((e: unknown) => e);
    expect(status(failure)).toBe(429);
    expect(
      (failure as { response: { data: { error: { errors: Array<{ reason: string }> } } } }).response
        .data.error.errors[0]?.reason,
    ).toBe('rateLimitExceeded');
    emulator.faults.set('sheets.values.get', { sequence: [429] });
    expect(
      (await sheets.spreadsheets.values.get({ spreadsheetId: ID, range: 'Influencers!A1' })).data
        .values,
    ).toEqual([['Name']]);
  });
});
