/**
 * The Sheets adapter with the real googleapis client and a service-account JWT, against the
 * sandbox Google emulator. Requests are counted (and, for Retry-After, shaped) by the fetch the
 * adapter is given, so the emulator needs nothing extra.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createGoogleSheetPort,
  type GoogleSheetPortOptions,
} from '../../src/adapters/sheets/index.js';
import { PermanentError, RetryableError } from '../../src/domain/errors.js';
import { type GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import {
  INFLUENCER_SPREADSHEET,
  UNSHARED_SPREADSHEET,
} from '../../src/sandbox/google/sheets-fixtures.js';
import { PERSONAS } from '../../src/sandbox/personas/catalog.js';
import { personaSpreadsheet } from '../../src/sandbox/personas/sheet.js';

const SPRING = INFLUENCER_SPREADSHEET.id;
const PERSONA_SHEET = personaSpreadsheet();
const TTL = 5 * 60_000;

let emulator: GoogleEmulator;
let dir: string;
let keyFile: string;
let serviceAccount: string;
let now: number;
/** Sheets API requests seen, by path ("/v4/spreadsheets/…"); token requests are not counted. */
let requests: string[];
/** Headers to add to the next error response, the way Google's front end sends Retry-After. */
let extraErrorHeaders: Record<string, string>;

const countingFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.pathname.startsWith('/v4/')) requests.push(decodeURIComponent(url.pathname));
  const response = await fetch(input, init);
  if (response.ok || Object.keys(extraErrorHeaders).length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extraErrorHeaders)) headers.set(name, value);
  return new Response(response.body, { status: response.status, headers });
};

function port(options: Partial<GoogleSheetPortOptions> = {}) {
  return createGoogleSheetPort({
    serviceAccountFile: keyFile,
    spreadsheetId: SPRING,
    tab: 'Influencers',
    rootUrl: emulator.rootUrl,
    tokenUrl: emulator.tokenUrl,
    now: () => now,
    retries: 0,
    fetch: countingFetch,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error as Error,
  );
  if (outcome === null) throw new Error('expected the read to fail, it succeeded');
  return outcome;
}

beforeAll(async () => {
  emulator = await startGoogleEmulator({
    spreadsheets: [INFLUENCER_SPREADSHEET, UNSHARED_SPREADSHEET, PERSONA_SHEET],
  });
  dir = mkdtempSync(join(tmpdir(), 'negotiator-sheets-'));
  keyFile = join(dir, 'service-account.json');
  const key = emulator.identity.serviceAccountKey('https://oauth2.googleapis.com/token');
  serviceAccount = key.client_email;
  writeFileSync(keyFile, JSON.stringify(key));
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  now = 1_800_000_000_000;
  requests = [];
  extraErrorHeaders = {};
  emulator.faults.clear();
});

describe('finding influencers', () => {
  it('finds rows by email whatever the case, reading the messy fixture cells', async () => {
    const sheets = port();
    expect(await sheets.findInfluencer('ADA@creators.test')).toEqual({
      status: 'found',
      influencer: {
        email: 'ada@creators.test',
        name: 'Ada Lovelace',
        handle: '@ada.codes',
        platform: 'instagram',
        averageViews: 50_000,
        engagementRateBps: 420,
        payRange: { minCents: 150_000, maxCents: 250_000 },
        source: 'Influencers!2:2',
      },
      warnings: [],
    });
    expect(await sheets.findInfluencer('Bo <bo@Creators.TEST>')).toMatchObject({
      status: 'found',
      influencer: { platform: 'tiktok', averageViews: 1500, engagementRateBps: 250 },
    });
    expect(await sheets.findInfluencer('cy@creators.test')).toMatchObject({
      status: 'found',
      influencer: { platform: 'youtube', averageViews: 120_000, payRange: { maxCents: 400_000 } },
    });
    expect(await sheets.findInfluencer('nobody@creators.test')).toEqual({ status: 'not_found' });
  });

  it('reports the bad cells of a row and keeps the other rows usable', async () => {
    const sheets = port();
    expect(await sheets.findInfluencer('dee@creators.test')).toEqual({
      status: 'invalid',
      problems: [
        expect.objectContaining({ message: 'Influencers!E6: "n/a" is not a whole number' }),
        expect.objectContaining({
          message: 'Influencers!G6: "TBD" is not an amount of money: ignored',
          severity: 'warning',
        }),
      ],
    });
    const table = await sheets.listInfluencers();
    expect(table.influencers.map((p) => p.influencer.email)).toEqual([
      'ada@creators.test',
      'bo@creators.test',
      'cy@creators.test',
    ]);
    expect(table.rejected.map((r) => r.problems.map((p) => p.message))).toEqual([
      [
        'Influencers!E6: "n/a" is not a whole number',
        'Influencers!G6: "TBD" is not an amount of money: ignored',
      ],
      [
        'Influencers!B8: "not-an-email" is not an email address',
        'Influencers!D8: "MySpace" is not a platform we price (Instagram, TikTok or YouTube)',
      ],
    ]);
  });

  it('reads every persona from the persona sheet, first tab by default', async () => {
    const sheets = port({ spreadsheetId: PERSONA_SHEET.id, tab: undefined });
    for (const { profile } of PERSONAS) {
      const found = await sheets.findInfluencer(profile.email.toUpperCase());
      expect(found).toMatchObject({
        status: 'found',
        influencer: {
          email: profile.email,
          name: profile.name,
          handle: profile.handle,
          platform: profile.platform,
          averageViews: profile.averageViews,
          engagementRateBps: Math.round(profile.engagementRate * 1000) * 10,
        },
      });
    }
    // One spreadsheets.get for the first tab's name, one values.get: the rest came from the cache.
    expect(requests).toEqual([
      `/v4/spreadsheets/${PERSONA_SHEET.id}`,
      `/v4/spreadsheets/${PERSONA_SHEET.id}/values/'Influencers'`,
    ]);
  });

  it('honours a per-campaign spreadsheet and tab over the configured ones', async () => {
    const sheets = port({ spreadsheetId: 'no-such-sheet', tab: 'Nope' });
    expect(
      await sheets.findInfluencer('priya.shah@creators.test', {
        spreadsheetId: PERSONA_SHEET.id,
        tab: 'Influencers',
      }),
    ).toMatchObject({ status: 'found', influencer: { platform: 'instagram' } });
  });
});

describe('caching', () => {
  it('reads the sheet once within the TTL and again after it', async () => {
    const sheets = port();
    await sheets.findInfluencer('ada@creators.test');
    await sheets.findInfluencer('bo@creators.test');
    now += TTL - 1;
    await sheets.listInfluencers();
    expect(requests).toHaveLength(1);
    now += 1;
    await sheets.findInfluencer('ada@creators.test');
    expect(requests).toHaveLength(2);
  });

  it('shares one load between concurrent lookups', async () => {
    const sheets = port();
    const results = await Promise.all(
      ['ada', 'bo', 'cy', 'dee', 'eve'].map((n) => sheets.findInfluencer(`${n}@creators.test`)),
    );
    expect(results.map((r) => r.status)).toEqual([
      'found',
      'found',
      'found',
      'invalid',
      'not_found',
    ]);
    expect(requests).toHaveLength(1);
  });

  it('keeps spreadsheets and tabs apart, and honours a shorter TTL', async () => {
    const sheets = port({ cacheTtlMs: 1000 });
    await sheets.findInfluencer('ada@creators.test');
    await sheets.findInfluencer('ada@creators.test', { spreadsheetId: PERSONA_SHEET.id });
    expect(requests).toHaveLength(2);
    now += 1000;
    await sheets.findInfluencer('ada@creators.test');
    expect(requests).toHaveLength(3);
  });

  it('reads again at once after clearCache', async () => {
    const sheets = port();
    await sheets.findInfluencer('ada@creators.test');
    sheets.clearCache();
    await sheets.findInfluencer('ada@creators.test');
    expect(requests).toHaveLength(2);
  });

  it('does not cache a failure: the next lookup reads again', async () => {
    const sheets = port();
    emulator.faults.set('sheets.values.get', { sequence: [503] });
    expect(await failure(sheets.findInfluencer('ada@creators.test'))).toBeInstanceOf(
      RetryableError,
    );
    expect(await sheets.findInfluencer('ada@creators.test')).toMatchObject({ status: 'found' });
    expect(requests).toHaveLength(2);
  });
});

describe('errors in domain terms', () => {
  it('403: the sheet is not shared with the service account, and says with whom to share it', async () => {
    const error = await failure(
      port().findInfluencer('ada@x.test', {
        spreadsheetId: UNSHARED_SPREADSHEET.id,
        tab: 'Sheet1',
      }),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain(UNSHARED_SPREADSHEET.id);
    expect(error.message).toContain(`share the spreadsheet with ${serviceAccount}`);
  });

  it('404: no such spreadsheet; 400: no such tab', async () => {
    const missing = await failure(port({ spreadsheetId: 'no-such-sheet' }).listInfluencers());
    expect(missing).toBeInstanceOf(PermanentError);
    expect(missing.message).toMatch(
      /spreadsheet no-such-sheet .*404.*no such spreadsheet — check INFLUENCER_SHEET_ID/,
    );
    const badTab = await failure(port({ tab: 'Spring creators' }).listInfluencers());
    expect(badTab).toBeInstanceOf(PermanentError);
    expect(badTab.message).toMatch(/failed with 400 .*check that the tab "Spring creators" exists/);
  });

  it('503 and 429 are retryable, with Retry-After when Google sends it', async () => {
    emulator.faults.set('sheets.values.get', { sequence: [503] });
    const unavailable = await failure(port().listInfluencers());
    expect(unavailable).toBeInstanceOf(RetryableError);
    expect(unavailable.message).toMatch(
      /spreadsheet sheet-influencers-spring tab "Influencers" failed with 503/,
    );

    emulator.faults.set('sheets.values.get', { sequence: [429] });
    extraErrorHeaders = { 'retry-after': '7' };
    const limited = await failure(port().listInfluencers());
    expect(limited).toBeInstanceOf(RetryableError);
    expect((limited as RetryableError).retryAfterMs).toBe(7000);
    expect(limited.message).toMatch(/429 rateLimitExceeded/);
  });

  it('a request that never answers is a retryable timeout', async () => {
    emulator.faults.set('sheets.values.get', { sequence: ['timeout'] });
    const error = await failure(port({ timeoutMs: 200 }).listInfluencers());
    expect(error).toBeInstanceOf(RetryableError);
  });

  it('retries quickly in the client when asked, hiding a single blip', async () => {
    emulator.faults.set('sheets.values.get', { sequence: [503] });
    expect(await port({ retries: 1 }).findInfluencer('ada@creators.test')).toMatchObject({
      status: 'found',
    });
    expect(requests).toHaveLength(2);
  });

  it('a key Google does not know is a permanent sign-in failure', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = join(dir, 'stranger.json');
    writeFileSync(
      stranger,
      JSON.stringify({
        type: 'service_account',
        client_email: serviceAccount,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      }),
    );
    const error = await failure(port({ serviceAccountFile: stranger }).listInfluencers());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/Google refused the service account .*invalid_grant/);
    expect(requests).toEqual([]);
  });
});

describe('the key file', () => {
  it('is checked at construction, and no message ever shows the key', () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
    const cases: Array<[string, RegExp]> = [
      [`{"private_key": "-----BEGIN PRIVATE KEY-----${secret}`, /is not valid JSON/],
      [
        JSON.stringify({ client_email: 'not-an-email', private_key: secret }),
        /client_email.*private_key/,
      ],
    ];
    for (const [content, expected] of cases) {
      const file = join(dir, 'broken.json');
      writeFileSync(file, content);
      let thrown: unknown;
      try {
        port({ serviceAccountFile: file });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PermanentError);
      expect((thrown as Error).message).toMatch(expected);
      expect((thrown as Error).message).toContain(file);
      expect((thrown as Error).message).not.toContain(secret);
    }
    expect(() => port({ serviceAccountFile: join(dir, 'missing.json') })).toThrow(/does not exist/);
  });

  it('needs a spreadsheet from the configuration or the campaign', async () => {
    const error = await failure(
      port({ spreadsheetId: undefined }).findInfluencer('ada@creators.test'),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/set INFLUENCER_SHEET_ID/);
  });
});
