/** Properties of the sheet parser over arbitrary, messy tables: total, and row-independent. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findInTable, parseInfluencerTable } from '../../src/domain/influencer.js';

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

/** What people actually type into these sheets, plus anything at all. */
const messyCell = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '$1,500',
    '1.5k',
    '2.5%',
    'YouTube',
    'youtube',
    'IG',
    'n/a',
    'TBD',
    '12k-15k',
    '€900',
    '-5',
    '0',
    '100%',
    '250%',
    'Bo <bo@x.test>',
    'not-an-email',
    '$1,000 - $500',
    '1e9',
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const messyRow = fc.array(messyCell, { maxLength: 12 });
const messyTable = fc.array(
  fc.oneof(messyRow, fc.constant<unknown>(null), fc.constant<unknown>('not a row')),
  { maxLength: 15 },
);

describe('parseInfluencerTable properties', () => {
  it('never throws, whatever the cells hold', () => {
    fc.assert(
      fc.property(fc.oneof(messyTable, fc.anything()), fc.string(), (rows, tab) => {
        parseInfluencerTable(rows as unknown[], { tab });
      }),
      { numRuns: 500 },
    );
  });

  it('accounts for every non-blank data row exactly once', () => {
    fc.assert(
      fc.property(fc.array(messyRow, { maxLength: 20 }), (rows) => {
        const table = parseInfluencerTable([HEADER, ...rows], { tab: 'Influencers' });
        const nonBlank = rows.filter((r) =>
          r.some((c) =>
            typeof c === 'string'
              ? c.trim() !== ''
              : typeof c === 'number' || typeof c === 'boolean',
          ),
        ).length;
        expect(table.influencers.length + table.rejected.length).toBe(nonBlank);
        for (const rejected of table.rejected) {
          expect(rejected.problems.some((p) => p.severity === 'error')).toBe(true);
          for (const p of rejected.problems) expect(p.message.startsWith(`${p.cell}: `)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds a good row wherever it sits among bad ones', () => {
    const good = ['Ada', 'ada@creators.test', '@ada', 'Instagram', '50,000', '4.2%'];
    fc.assert(
      fc.property(
        fc.array(messyRow, { maxLength: 10 }),
        fc.array(messyRow, { maxLength: 10 }),
        (before, after) => {
          const safe = (rows: unknown[][]) =>
            rows.map((r) =>
              r.map((c) => (typeof c === 'string' && c.toLowerCase().includes('ada@') ? '' : c)),
            );
          const table = parseInfluencerTable([HEADER, ...safe(before), good, ...safe(after)], {
            tab: 'Influencers',
          });
          const found = findInTable(table, 'ADA@creators.test');
          expect(found).toMatchObject({
            status: 'found',
            influencer: {
              averageViews: 50_000,
              source: `Influencers!${before.length + 2}:${before.length + 2}`,
            },
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
