import { describe, expect, it } from 'vitest';
import {
  formatAddress,
  parseAddress,
  parseAddressList,
  parseMessageIds,
  sameAddress,
} from '../../src/domain/email/index.js';

describe('parseAddressList', () => {
  const cases: Array<[string, Array<{ name: string; address: string }>]> = [
    ['ada@creators.test', [{ name: '', address: 'ada@creators.test' }]],
    [
      '"Lovelace, Ada" <ADA@Creators.test>',
      [{ name: 'Lovelace, Ada', address: 'ada@creators.test' }],
    ],
    [
      'Ada Lovelace <ada@x.test>, "Babbage, C." <cb@x.test>',
      [
        { name: 'Ada Lovelace', address: 'ada@x.test' },
        { name: 'Babbage, C.', address: 'cb@x.test' },
      ],
    ],
    ['ada@x.test (Ada Lovelace)', [{ name: 'Ada Lovelace', address: 'ada@x.test' }]],
    ['Ada (the first) <ada@x.test>', [{ name: 'Ada', address: 'ada@x.test' }]],
    [
      '"Ada \\"the\\" Countess" <ada@x.test>',
      [{ name: 'Ada "the" Countess', address: 'ada@x.test' }],
    ],
    [
      'Team: a@x.test, B <b@x.test>;, c@x.test',
      [
        { name: '', address: 'a@x.test' },
        { name: 'B', address: 'b@x.test' },
        { name: '', address: 'c@x.test' },
      ],
    ],
    ['undisclosed-recipients:;', []],
    [
      '=?UTF-8?Q?Zo=C3=AB_M=C3=BCller?= <zoe@x.test>',
      [{ name: 'Zoë Müller', address: 'zoe@x.test' }],
    ],
    ['"=?iso-8859-1?Q?Andr=E9s?=" <a@x.test>', [{ name: 'Andrés', address: 'a@x.test' }]],
    ['=?UTF-8?B?5L2Q6JekIOe+juWSsg==?= <m@x.test>', [{ name: '佐藤 美咲', address: 'm@x.test' }]],
    ['<mailto:Ada@X.test>', [{ name: '', address: 'ada@x.test' }]],
    ['Just A Name, not-an-address, <>', []],
    ['', []],
  ];
  it.each(cases)('%s', (header, expected) => {
    expect(parseAddressList(header)).toEqual(expected);
  });

  it('never throws on unbalanced quotes, brackets and comments', () => {
    for (const header of [
      '"unterminated <a@x.test>',
      '(open comment a@x.test',
      '<a@x.test',
      'a@x.test>>',
    ]) {
      expect(() => parseAddressList(header)).not.toThrow();
    }
    expect(parseAddressList('<a@x.test')).toEqual([{ name: '', address: 'a@x.test' }]);
  });

  it('caps how much of a header it reads', () => {
    const header = Array.from({ length: 5000 }, (_, i) => `u${i}@x.test`).join(', ');
    expect(parseAddressList(header).length).toBe(1000);
  });
});

describe('sameAddress compares parsed, lower-cased addresses only', () => {
  it.each([
    ['"Lovelace, Ada" <ADA@Creators.test>', 'ada@creators.test', true],
    ['Ada <ada@creators.test>', 'Someone Else <ADA@CREATORS.TEST>', true],
    ['ada@creators.test (Ada)', '<ada@creators.test>', true],
    ['Ada <ada@creators.test>', 'Ada <ada@other.test>', false],
    // Same display name, different mailbox: names never decide.
    ['Team <team@brand.test>', 'Team <team@evil.test>', false],
    ['not an address', 'not an address', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(sameAddress(a, b)).toBe(expected);
  });

  it('accepts parsed addresses too', () => {
    const parsed = parseAddress('Ada <ada@x.test>');
    expect(parsed).not.toBeNull();
    if (parsed) {
      expect(sameAddress(parsed, 'ADA@x.test')).toBe(true);
      expect(sameAddress({ name: '', address: ' ADA@X.TEST ' }, parsed)).toBe(true);
    }
  });
});

describe('formatAddress', () => {
  it.each([
    [{ name: '', address: 'a@x.test' }, 'a@x.test'],
    [{ name: 'Ada Lovelace', address: 'a@x.test' }, 'Ada Lovelace <a@x.test>'],
    [{ name: 'Lovelace, Ada', address: 'a@x.test' }, '"Lovelace, Ada" <a@x.test>'],
    [{ name: 'Say "hi"', address: 'a@x.test' }, '"Say \\"hi\\"" <a@x.test>'],
    [{ name: 'Zoë', address: 'z@x.test' }, 'Zoë <z@x.test>'],
  ])('%o → %s', (address, expected) => {
    expect(formatAddress(address)).toBe(expected);
    expect(sameAddress(expected, address)).toBe(true);
  });
});

describe('parseMessageIds', () => {
  it('reads <ids>, skipping comments, and wraps bare ids', () => {
    expect(parseMessageIds('<a@x> (old) <b@x>')).toEqual(['<a@x>', '<b@x>']);
    expect(parseMessageIds('a@x b@x')).toEqual(['<a@x>', '<b@x>']);
    expect(parseMessageIds('garbage')).toEqual([]);
    expect(parseMessageIds(undefined)).toEqual([]);
  });

  it('keeps the first and the latest ids of a very long References header', () => {
    const ids = Array.from({ length: 600 }, (_, i) => `<m${i}@x>`);
    const parsed = parseMessageIds(ids.join(' '));
    expect(parsed).toHaveLength(500);
    expect(parsed[0]).toBe('<m0@x>');
    expect(parsed.at(-1)).toBe('<m599@x>');
  });
});
