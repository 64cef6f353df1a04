/** The personas as the team's influencer sheet holds them, for the Sheets emulator and the demo. */
import type { Cell, FixtureSpreadsheet } from '../google/sheets-fixtures.js';
import { PERSONAS } from './catalog.js';
import type { Persona, PersonaProfile } from './types.js';

const PLATFORM_NAMES = { instagram: 'Instagram', tiktok: 'TikTok', youtube: 'YouTube' } as const;

export const SHEET_HEADER: Cell[] = [
  'Name',
  'Email',
  'Handle',
  'Platform',
  'Avg views',
  'Engagement',
];

/** One row the way a person types it: "80,000" views, "3.4%" engagement. */
export function sheetRow(profile: PersonaProfile): Cell[] {
  const percent = Math.round(profile.engagementRate * 1000) / 10;
  return [
    profile.name,
    profile.email,
    profile.handle,
    PLATFORM_NAMES[profile.platform],
    { formatted: profile.averageViews.toLocaleString('en-US'), value: profile.averageViews },
    { formatted: `${percent}%`, value: profile.engagementRate },
  ];
}

/** A spreadsheet of the given personas, shared with the service account. */
export function personaSpreadsheet(
  personas: readonly Persona[] = PERSONAS,
  id = 'sheet-personas',
): FixtureSpreadsheet {
  return {
    id,
    title: 'Sandbox personas',
    shared: true,
    sheets: [
      { title: 'Influencers', rows: [SHEET_HEADER, ...personas.map((p) => sheetRow(p.profile))] },
    ],
  };
}
