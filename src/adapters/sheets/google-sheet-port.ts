/**
 * SheetPort on the Google Sheets API v4 (`spreadsheets.values.get`), signed in as a service
 * account. The parsed table is cached per (spreadsheet, tab) for a TTL, with one load in flight
 * per key; every failure leaves as RetryableError or PermanentError (errors.ts).
 */
import { JWT } from 'google-auth-library';
import { google, type sheets_v4 } from 'googleapis';
import { PermanentError } from '../../domain/errors.js';
import {
  findInTable,
  type InfluencerTable,
  parseInfluencerTable,
  type TableOrigin,
} from '../../domain/influencer.js';
import { columnIndex } from '../../domain/sheet-a1.js';
import type { Logger } from '../../observability/logger.js';
import { type ReadContext, translateSheetsError } from './errors.js';
import { readServiceAccount } from './service-account.js';
import type { SheetLocation, SheetPort } from './sheet-port.js';
import { redirectTokenRequests } from './token-redirect.js';
import { createTtlCache } from './ttl-cache.js';

const SCOPES = ['https://www.googleapis.com/auth/spreadsheets.readonly'];
const DEFAULT_TTL_MS = 5 * 60_000;

export interface GoogleSheetPortOptions {
  /** GOOGLE_SERVICE_ACCOUNT_FILE: a service-account key (JSON) the sheet is shared with. */
  serviceAccountFile: string;
  /** INFLUENCER_SHEET_ID: read when a lookup names no spreadsheet. */
  spreadsheetId?: string | undefined;
  /** The tab read when a lookup names none; without it, the spreadsheet's first tab. */
  tab?: string | undefined;
  /** GOOGLE_API_URL: an origin (googleapis drops a path prefix). */
  rootUrl?: string | undefined;
  /** GOOGLE_TOKEN_URL: where the service account's token requests go instead of Google's. */
  tokenUrl?: string | undefined;
  /** How long a read table is reused (default 5 minutes). */
  cacheTtlMs?: number;
  now?: () => number;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  /** Quick in-client retries of a failed read before it surfaces as RetryableError (default 2). */
  retries?: number;
  /** The fetch under everything (tests wrap it to count or shape requests). */
  fetch?: typeof fetch;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface GoogleSheetPort extends SheetPort {
  /** The address operators must share the sheet with. */
  readonly serviceAccountEmail: string;
  /** Forgets cached tables, e.g. after the team says the sheet was fixed. */
  clearCache(): void;
}

/** Reads the key file at once, so a missing or broken key stops startup, not the first email. */
export function createGoogleSheetPort(options: GoogleSheetPortOptions): GoogleSheetPort {
  const account = readServiceAccount(options.serviceAccountFile);
  const auth = new JWT({
    email: account.email,
    key: account.privateKey,
    scopes: SCOPES,
    transporterOptions: {
      fetchImplementation: redirectTokenRequests(options.tokenUrl, options.fetch),
    },
  });
  const sheets = google.sheets({
    version: 'v4',
    auth,
    ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
  });
  const retries = options.retries ?? 2;
  const request = {
    timeout: options.timeoutMs ?? 15_000,
    retryConfig: { retry: retries, noResponseRetries: retries },
  };
  const now = options.now ?? Date.now;
  const cache = createTtlCache<InfluencerTable>({
    ttlMs: options.cacheTtlMs ?? DEFAULT_TTL_MS,
    now,
  });

  async function load(context: ReadContext): Promise<InfluencerTable> {
    try {
      const title = context.tab ?? (await firstTab(sheets, context.spreadsheetId, request));
      const { data } = await sheets.spreadsheets.values.get(
        {
          spreadsheetId: context.spreadsheetId,
          range: `'${title.replace(/'/g, "''")}'`,
          valueRenderOption: 'FORMATTED_VALUE',
          majorDimension: 'ROWS',
        },
        request,
      );
      const table = parseInfluencerTable(data.values, originOf(data.range, title));
      report(table, context);
      return table;
    } catch (error) {
      throw translateSheetsError(error, context, now());
    }
  }

  function report(table: InfluencerTable, context: ReadContext): void {
    const where = { spreadsheetId: context.spreadsheetId, tab: table.tab };
    const counts = { influencers: table.influencers.length, rejected: table.rejected.length };
    options.logger?.info({ ...where, ...counts }, 'influencer sheet read');
    const problems = [...table.problems, ...table.rejected.flatMap((r) => r.problems)];
    if (problems.some((p) => p.severity === 'error')) {
      const sample = problems.slice(0, 20).map((p) => p.message);
      options.logger?.warn(
        { ...where, ...counts, problems: sample },
        'influencer sheet has rows that cannot be used',
      );
    }
  }

  function table(where: SheetLocation = {}): Promise<InfluencerTable> {
    const spreadsheetId = where.spreadsheetId ?? options.spreadsheetId;
    if (!spreadsheetId) {
      return Promise.reject(
        new PermanentError(
          "Sheets: no spreadsheet to read — set INFLUENCER_SHEET_ID or the campaign's influencer_sheet.spreadsheet_id",
        ),
      );
    }
    const tab = where.tab ?? options.tab;
    const context = { spreadsheetId, tab, serviceAccount: account.email };
    return cache.get(JSON.stringify([spreadsheetId, tab ?? null]), () => load(context));
  }

  return {
    serviceAccountEmail: account.email,
    async findInfluencer(email, where) {
      return findInTable(await table(where), email);
    },
    listInfluencers: table,
    clearCache: () => cache.clear(),
  };
}

async function firstTab(
  sheets: sheets_v4.Sheets,
  spreadsheetId: string,
  request: object,
): Promise<string> {
  const { data } = await sheets.spreadsheets.get(
    { spreadsheetId, fields: 'sheets.properties.title' },
    request,
  );
  const title = data.sheets?.[0]?.properties?.title;
  if (!title) throw new PermanentError(`Sheets: spreadsheet ${spreadsheetId} has no tabs`);
  return title;
}

/** Where the answer starts ("'Influencers'!A1:H8"), so problems name the right cells. */
function originOf(range: string | null | undefined, tab: string): TableOrigin {
  const start = /!\$?([A-Z]+)\$?(\d+)/i.exec(range ?? '');
  if (!start) return { tab };
  return { tab, firstRow: Number(start[2]), firstColumn: columnIndex(start[1] ?? 'A') };
}
