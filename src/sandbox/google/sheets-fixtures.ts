/**
 * Spreadsheets the emulator serves. Cells hold what a person typed (the formatted value) and,
 * where Sheets would parse it, the underlying value. Messy on purpose: currency strings, "1.5k",
 * percentages, inconsistent platform names, blank cells and ragged rows.
 */
export type Cell = string | { formatted: string; value: number | boolean };

export interface FixtureSheet {
  title: string;
  rows: Cell[][];
}

export interface FixtureSpreadsheet {
  id: string;
  title: string;
  /** False: the service account was never given access (403). */
  shared: boolean;
  sheets: FixtureSheet[];
}

const money = (formatted: string, value: number): Cell => ({ formatted, value });

export const INFLUENCER_SPREADSHEET: FixtureSpreadsheet = {
  id: 'sheet-influencers-spring',
  title: 'Spring campaign — creators',
  shared: true,
  sheets: [
    {
      title: 'Influencers',
      rows: [
        ['Name', 'Email', 'Handle', 'Platform', 'Avg views', 'Engagement', 'Min rate', 'Max rate'],
        [
          'Ada Lovelace',
          'ada@creators.test',
          '@ada.codes',
          'Instagram',
          { formatted: '50,000', value: 50_000 },
          { formatted: '4.2%', value: 0.042 },
          money('$1,500.00', 1500),
          money('$2,500.00', 2500),
        ],
        ['Bo Nakamura', 'Bo Nakamura <bo@creators.test>', '@bo_eats', 'tiktok', '1.5k', '2.5%'],
        [
          'Cy Duarte',
          'cy@creators.test',
          'cy.films',
          'YouTube',
          { formatted: '120000', value: 120_000 },
          { formatted: '6%', value: 0.06 },
          '',
          money('$4,000.00', 4000),
        ],
        [],
        ['Dee Okafor', ' dee@creators.test ', '@dee', 'YT', 'n/a', '', 'TBD'],
        ['', '', '', '', '', ''],
        ['Eve', 'not-an-email', '@eve', 'MySpace', { formatted: '9,000', value: 9000 }],
      ],
    },
    { title: 'Notes', rows: [['Shortlist agreed with the client on 3 Nov']] },
  ],
};

export const UNSHARED_SPREADSHEET: FixtureSpreadsheet = {
  id: 'sheet-not-shared',
  title: 'Private list',
  shared: false,
  sheets: [{ title: 'Sheet1', rows: [['secret']] }],
};
