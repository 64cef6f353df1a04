/** extractAmounts: which numbers in a draft are money, and how much. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractAmounts } from '../../src/domain/gate/index.js';
import { formatCents } from '../../src/domain/money.js';

type Found = [text: string, currency: 'USD' | 'other', cents: number | null, unit?: 'cpm'];

const read = (text: string): Found[] =>
  extractAmounts(text).map((m) => {
    const found: Found = [m.text, m.currency, m.cents];
    if (m.unit === 'cpm') found.push('cpm');
    return found;
  });

describe('extractAmounts finds money in every common format', () => {
  const cases: Array<[string, Found[]]> = [
    ['We can offer $1,500 for one reel.', [['$1,500', 'USD', 150_000]]],
    ['That is $1,500.00 total.', [['$1,500.00', 'USD', 150_000]]],
    ['How about $1.5k?', [['$1.5k', 'USD', 150_000]]],
    ['Could you do 1.8k?', [['1.8k', 'USD', 180_000]]],
    ['1500 USD for 2 reels', [['1500 USD', 'USD', 150_000]]],
    ['USD 1,500 all in', [['USD 1,500', 'USD', 150_000]]],
    ['US$ 900 per story', [['US$ 900', 'USD', 90_000]]],
    ['1,500 dollars', [['1,500 dollars', 'USD', 150_000]]],
    ['1500 bucks', [['1500 bucks', 'USD', 150_000]]],
    ['2 grand', [['2 grand', 'USD', 200_000]]],
    ['1.5 thousand dollars', [['1.5 thousand dollars', 'USD', 150_000]]],
    ['$2M budget', [['$2M', 'USD', 200_000_000]]],
    ['fifteen hundred dollars', [['fifteen hundred dollars', 'USD', 150_000]]],
    ['one thousand two hundred dollars', [['one thousand two hundred dollars', 'USD', 120_000]]],
    ['twenty-five hundred bucks', [['twenty-five hundred bucks', 'USD', 250_000]]],
    ['about two grand', [['two grand', 'USD', 200_000]]],
    ['maybe a grand', [['a grand', 'USD', 100_000]]],
    ['a rate of 1500.', [['1500', 'USD', 150_000]]],
    ['we can pay 1,250 for the reel', [['1,250', 'USD', 125_000]]],
    ['Total: $3,025.50', [['$3,025.50', 'USD', 302_550]]],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(read(text)).toEqual(expected);
  });
});

describe('extractAmounts reads both ends of a range', () => {
  const cases: Array<[string, Found[]]> = [
    [
      '$1,200–1,500',
      [
        ['$1,200', 'USD', 120_000],
        ['1,500', 'USD', 150_000],
      ],
    ],
    [
      '$1,200 - $1,500',
      [
        ['$1,200', 'USD', 120_000],
        ['$1,500', 'USD', 150_000],
      ],
    ],
    [
      '1,200 to 1,500 USD',
      [
        ['1,200', 'USD', 120_000],
        ['1,500 USD', 'USD', 150_000],
      ],
    ],
    [
      'between $1,200 and 1,500',
      [
        ['$1,200', 'USD', 120_000],
        ['1,500', 'USD', 150_000],
      ],
    ],
    [
      '$1-1.5k',
      [
        ['$1', 'USD', 100_000],
        ['1.5k', 'USD', 150_000],
      ],
    ],
    [
      '$500-1.5k',
      [
        ['$500', 'USD', 50_000],
        ['1.5k', 'USD', 150_000],
      ],
    ],
    ['$1,500 - 2 reels', [['$1,500', 'USD', 150_000]]],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(read(text)).toEqual(expected);
  });
});

describe('extractAmounts reports other currencies and rates apart', () => {
  const cases: Array<[string, Found[]]> = [
    ['€1,500', [['€1,500', 'other', 150_000]]],
    ['1500 EUR', [['1500 EUR', 'other', 150_000]]],
    ['£900', [['£900', 'other', 90_000]]],
    ['C$500', [['C$500', 'other', 50_000]]],
    ['fifteen hundred euros', [['fifteen hundred euros', 'other', 150_000]]],
    ['$20 CPM', [['$20 CPM', 'USD', 2_000, 'cpm']]],
    ['$20 per 1,000 views', [['$20 per 1,000 views', 'USD', 2_000, 'cpm']]],
    ['a CPM of $25', [['$25', 'USD', 2_500, 'cpm']]],
    ['$0.02 per view', [['$0.02 per view', 'USD', 2_000, 'cpm']]],
    ['$1.505 is odd', [['$1.505', 'USD', null]]],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(read(text)).toEqual(expected);
  });
});

describe('extractAmounts leaves numbers that are not money alone', () => {
  const notMoney = [
    '2 reels and 3 stories',
    'live by Dec 5, 2026',
    'within 24 hours',
    '15% off with code MAYA15',
    'a fee of 5 per cent of sales',
    'the rate is 12 percent',
    'call (415) 555-0132 or +1 415 555 0132',
    'tag @jess2000 and #ad',
    'your 50k followers',
    'an audience of 50k',
    '120k average views',
    '10k+ views last month',
    '2m views',
    'shot in 4K video',
    'the 5th at 10:30',
    'she lost 20 pounds',
    'not a dollar more',
    'I want to ask 2 quick questions',
    'version 1.2.3',
    'in 2026',
    'per 1,000 views',
    'two reels and one story',
  ];
  it.each(notMoney)('%s', (text) => {
    expect(read(text)).toEqual([]);
  });

  it('gives spans that point at the amount in the text', () => {
    const text = 'Hi! We can do $1,500 or fifteen hundred dollars.';
    for (const m of extractAmounts(text)) expect(text.slice(m.start, m.end)).toBe(m.text);
  });
});

describe('extractAmounts properties', () => {
  it('never throws and returns spans inside the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        for (const m of extractAmounts(text)) {
          expect(text.slice(m.start, m.end)).toBe(m.text);
        }
      }),
    );
  });

  it('never throws on text built from money-like pieces', () => {
    const piece = fc.constantFrom(
      '$',
      'US$',
      '€',
      '1,500',
      '1.5',
      'k',
      'M',
      ' ',
      '-',
      '–',
      ' to ',
      ' USD',
      ' dollars',
      'fifteen',
      ' hundred',
      ' grand',
      ' and ',
      '%',
      ' views',
      ' CPM',
      '.',
      ',',
      '0',
      'a',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        expect(() => extractAmounts(pieces.join(''))).not.toThrow();
      }),
    );
  });

  it('reads back any amount formatted by formatCents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.boolean(), (cents, drop) => {
        const written = formatCents(cents, { dropZeroCents: drop });
        const found = extractAmounts(`We can offer ${written} for the reel.`);
        expect(found.map((m) => [m.text, m.cents])).toEqual([[written, cents]]);
      }),
    );
  });
});
