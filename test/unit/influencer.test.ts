import { describe, expect, it } from 'vitest';
import {
  findInTable,
  type InfluencerTable,
  mapHeader,
  parseInfluencerTable,
} from '../../src/domain/influencer.js';
import { readEmail } from '../../src/domain/influencer-cells.js';
import { columnName, quoteTab } from '../../src/domain/sheet-a1.js';

const HEADER = [
  'Name',
  'Email',
  'Handle',
  'Platform',
  'Avg views',
  'Engagement',
  'Min rate',
  'Max rate',
];
const parse = (rows: unknown[][], tab = 'Influencers') => parseInfluencerTable(rows, { tab });
const messages = (table: InfluencerTable) =>
  table.rejected.flatMap((r) => r.problems.map((p) => p.message));

describe('parseInfluencerTable reads messy cells', () => {
  it('reads currency strings, k-suffixed counts, percentages and platform spellings', () => {
    const table = parse([
      HEADER,
      [
        'Ada Lovelace',
        'ada@creators.test',
        '@ada.codes',
        'Instagram',
        '50,000',
        '4.2%',
        '$1,500.00',
        '$2,500.00',
      ],
      ['Bo Nakamura', 'Bo Nakamura <BO@Creators.test>', '@bo_eats', 'tiktok', '1.5k', '2.5%'],
      ['Cy Duarte', ' cy@creators.test ', 'cy.films', 'YT', '1.2M views', '0.06', '', '4k'],
    ]);
    expect(table.problems).toEqual([]);
    expect(table.rejected).toEqual([]);
    expect(table.influencers.map((p) => p.influencer)).toEqual([
      {
        email: 'ada@creators.test',
        name: 'Ada Lovelace',
        handle: '@ada.codes',
        platform: 'instagram',
        averageViews: 50_000,
        engagementRateBps: 420,
        payRange: { minCents: 150_000, maxCents: 250_000 },
        source: 'Influencers!2:2',
      },
      {
        email: 'bo@creators.test',
        name: 'Bo Nakamura',
        handle: '@bo_eats',
        platform: 'tiktok',
        averageViews: 1500,
        engagementRateBps: 250,
        source: 'Influencers!3:3',
      },
      {
        email: 'cy@creators.test',
        name: 'Cy Duarte',
        handle: 'cy.films',
        platform: 'youtube',
        averageViews: 1_200_000,
        engagementRateBps: 600,
        payRange: { maxCents: 400_000 },
        source: 'Influencers!4:4',
      },
    ]);
  });

  it('maps header spellings case- and spacing-insensitively, in any column order', () => {
    const table = parse([
      [
        'E-mail Address',
        ' PLATFORM ',
        'Average Views (30d)',
        'Engagement rate %',
        'Creator',
        'Pay range ($)',
      ],
      ['ada@creators.test', 'YouTube', '120000', '6 %', 'Ada', '$1,000 - $1,500'],
    ]);
    expect(table.problems).toEqual([]);
    expect(table.influencers[0]?.influencer).toMatchObject({
      email: 'ada@creators.test',
      platform: 'youtube',
      averageViews: 120_000,
      engagementRateBps: 600,
      name: 'Ada',
      handle: null,
      payRange: { minCents: 100_000, maxCents: 150_000 },
    });
    expect(mapHeader(['Email address', 'Avg. Views', 'Network', 'Username']).columns).toEqual({
      email: 0,
      averageViews: 1,
      platform: 2,
      handle: 3,
    });
  });

  it('tolerates ragged rows, blank rows and a title above the header', () => {
    const table = parse([
      ['Spring creators — shortlist'],
      [],
      HEADER,
      ['Ada', 'ada@creators.test', '', 'instagram', '9,000'],
      [],
      ['', '', '', '  ', ''],
      ['Bo', 'bo@creators.test', '', 'TikTok', '12k'],
    ]);
    expect(table.influencers.map((p) => [p.influencer.email, p.influencer.source])).toEqual([
      ['ada@creators.test', 'Influencers!4:4'],
      ['bo@creators.test', 'Influencers!7:7'],
    ]);
    expect(table.rejected).toEqual([]);
  });
});

describe('parseInfluencerTable reports each bad cell in A1 notation', () => {
  it('rejects a row without usable email, platform or views, naming every cell', () => {
    const table = parse([
      HEADER,
      ['Ada', 'ada@creators.test', '@ada', 'Instagram', '50,000'],
      ['Dee', 'dee@creators.test', '@dee', 'YT', '12k-15k', '', 'TBD'],
      ['Eve', 'not-an-email', '@eve', 'MySpace', ''],
    ]);
    expect(table.influencers.map((p) => p.influencer.email)).toEqual(['ada@creators.test']);
    expect(table.rejected).toEqual([
      {
        row: 3,
        email: 'dee@creators.test',
        problems: [
          expect.objectContaining({
            cell: 'Influencers!E3',
            field: 'averageViews',
            severity: 'error',
            message: 'Influencers!E3: "12k-15k" is not a whole number',
          }),
          expect.objectContaining({
            cell: 'Influencers!G3',
            severity: 'warning',
            message: 'Influencers!G3: "TBD" is not an amount of money: ignored',
          }),
        ],
      },
      {
        row: 4,
        email: null,
        problems: [
          expect.objectContaining({
            message: 'Influencers!B4: "not-an-email" is not an email address',
          }),
          expect.objectContaining({
            message:
              'Influencers!D4: "MySpace" is not a platform we price (Instagram, TikTok or YouTube)',
          }),
          expect.objectContaining({ message: 'Influencers!E4: Avg views is blank' }),
        ],
      },
    ]);
  });

  it('keeps an influencer whose optional cells are bad, with a warning for each', () => {
    const table = parse([
      HEADER,
      ['Ada', 'ada@creators.test', '@ada', 'Instagram', '50,000', 'high', '€1,500', '$2,500'],
    ]);
    expect(table.rejected).toEqual([]);
    const [ada] = table.influencers;
    expect(ada?.influencer).toMatchObject({
      email: 'ada@creators.test',
      payRange: { maxCents: 250_000 },
    });
    expect(ada?.influencer.engagementRateBps).toBeUndefined();
    expect(ada?.warnings.map((w) => w.message)).toEqual([
      'Influencers!F2: "high" is not a percentage: ignored',
      'Influencers!G2: "€1,500" is not in US dollars: ignored',
    ]);
  });

  it('drops a pay range whose minimum is above its maximum, saying so', () => {
    const table = parse([
      HEADER,
      ['Ada', 'ada@creators.test', '', 'instagram', '50000', '', '$2,500', '$1,500'],
    ]);
    expect(table.influencers[0]?.influencer.payRange).toBeUndefined();
    expect(table.influencers[0]?.warnings.map((w) => w.message)).toEqual([
      'Influencers!G2:H2: pay range minimum $2,500.00 is above the maximum $1,500.00: the range is ignored',
    ]);
  });

  it('quotes tab names that need it and counts from the range origin', () => {
    const table = parseInfluencerTable(
      [
        ['Email', 'Platform', 'Views'],
        ['ada@creators.test', 'Instagram', 'lots'],
      ],
      { tab: "Ada's list", firstRow: 5, firstColumn: 2 },
    );
    expect(messages(table)).toEqual([`'Ada''s list'!E6: "lots" is not a whole number`]);
    expect(quoteTab('Influencers')).toBe('Influencers');
    expect(quoteTab('AB12')).toBe("'AB12'");
    expect([0, 25, 26, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });

  it('reports a missing required column once for the table and on each row', () => {
    const table = parse([
      ['Name', 'Email', 'Views'],
      ['Ada', 'ada@creators.test', '50k'],
    ]);
    expect(table.influencers).toEqual([]);
    expect(table.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^Influencers!1:1: no Platform column \(looked for "platform", /),
    ]);
    expect(messages(table)).toEqual(['Influencers!2:2: no Platform column']);
    expect(findInTable(table, 'ada@creators.test')).toMatchObject({ status: 'invalid' });
  });

  it('reports a sheet without a recognisable header instead of finding nobody', () => {
    const table = parse([
      ['Who', 'Contact'],
      ['Ada', 'ada@creators.test'],
    ]);
    expect(table.problems[0]?.message).toMatch(
      /^Influencers!1:1: no header row with an Email column/,
    );
    expect(findInTable(table, 'ada@creators.test')).toMatchObject({ status: 'invalid' });
    expect(parse([]).problems).toHaveLength(1);
  });

  it('warns about a column given twice and uses the first', () => {
    const table = parse([
      ['Email', 'Platform', 'Views', 'Views'],
      ['ada@creators.test', 'Instagram', '10k', '99k'],
    ]);
    expect(table.influencers[0]?.influencer.averageViews).toBe(10_000);
    expect(table.problems.map((p) => p.message)).toEqual([
      'Influencers!1:1: Avg views appears in columns C, D: column C is used',
    ]);
  });
});

describe('findInTable', () => {
  const table = parse([
    HEADER,
    ['Ada', 'Ada@Creators.test', '@ada', 'Instagram', '50,000'],
    ['Dee', 'dee@creators.test', '@dee', 'YT', 'n/a'],
    ['Ada (TikTok)', 'ada@creators.test', '@ada.tt', 'TikTok', '80k'],
  ]);

  it('finds by address whatever its case or display name', () => {
    for (const query of [
      'ada@creators.test',
      'ADA@CREATORS.TEST',
      'Ada Lovelace <ada@Creators.test>',
    ]) {
      const found = findInTable(table, query);
      expect(found).toMatchObject({ status: 'found', influencer: { platform: 'instagram' } });
    }
  });

  it('uses the first of duplicate rows and says which others exist', () => {
    const found = findInTable(table, 'ada@creators.test');
    expect(found.status === 'found' && found.warnings.map((w) => w.message)).toEqual([
      'Influencers!2:2: ada@creators.test is also listed at Influencers!4:4: the first row is used',
    ]);
  });

  it('explains a row that exists but cannot be used, and misses cleanly otherwise', () => {
    expect(findInTable(table, 'dee@creators.test')).toEqual({
      status: 'invalid',
      problems: [
        expect.objectContaining({ message: 'Influencers!E3: "n/a" is not a whole number' }),
      ],
    });
    expect(findInTable(table, 'nobody@creators.test')).toEqual({ status: 'not_found' });
    expect(findInTable(table, 'not an address')).toEqual({ status: 'not_found' });
  });
});

describe('readEmail', () => {
  it('takes the first address of several and says so', () => {
    expect(readEmail('ada@x.test; manager@agency.test')).toEqual({
      ok: true,
      value: 'ada@x.test',
      note: 'holds 2 addresses: only ada@x.test is used',
    });
    expect(readEmail('mailto:Ada@X.test')).toEqual({ ok: true, value: 'ada@x.test' });
    expect(readEmail('ada@localhost').ok).toBe(false);
  });
});

describe('long cells', () => {
  it('refuses a pasted essay instead of running the readers over it', () => {
    const essay = 'a'.repeat(50_000);
    const table = parse([
      HEADER,
      ['Ada', `${essay}@x.test`, '', 'Instagram', `1${' '.repeat(50_000)}x`],
    ]);
    expect(messages(table)).toEqual([
      'Influencers!B2: 50007 characters is too long for Email',
      'Influencers!E2: 50002 characters is too long for Avg views',
    ]);
  });
});
