/**
 * The influencer sheet, in domain words (NEG-01). Callers name a spreadsheet and tab only when a
 * campaign overrides the configured ones. Expected outcomes (found, not found, a row that cannot
 * be used) are values; failures to read the sheet at all are RetryableError / PermanentError.
 */
import type { InfluencerLookup, InfluencerTable } from '../../domain/influencer.js';

export type { InfluencerLookup, InfluencerTable };

/** Where the influencers are; each part falls back to the adapter's configured default. */
export interface SheetLocation {
  spreadsheetId?: string | undefined;
  /** The tab's title; without one (and no default) the spreadsheet's first tab is read. */
  tab?: string | undefined;
}

export interface SheetPort {
  /** The row for this address, compared case-insensitively ("Bo <BO@x.test>" works too). */
  findInfluencer(email: string, where?: SheetLocation): Promise<InfluencerLookup>;
  /** Every row, parsed: usable influencers, rejected rows and table problems. */
  listInfluencers(where?: SheetLocation): Promise<InfluencerTable>;
}
