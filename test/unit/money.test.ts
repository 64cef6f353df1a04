import { describe, expect, it } from 'vitest';
import { formatCents, parseCount, parseMoney } from '../../src/domain/money.js';

describe('parseMoney accepts what people write', () => {
  const accepted: Array<[string, number]> = [
    ['$1,500', 150_000],
    ['1,500.00', 150_000],
    ['1.5k', 150_000],
    ['USD 1500', 150_000],
    ['$2k', 200_000],
    ['1500', 150_000],
    ['$1500', 150_000],
    ['$ 1,500', 150_000],
    ['1500 USD', 150_000],
    ['1500 usd', 150_000],
    ['1500$', 150_000],
    ['$1,500.5', 150_050],
    ['$1,500.05', 150_005],
    ['  $750  ', 75_000],
    ['2.5K', 250_000],
    ['$1.2M', 120_000_000],
    ['1 500', 150_000],
    ['$12,345,678.90', 1_234_567_890],
    ['0', 0],
    ['$0.99', 99],
    ['1500 dollars', 150_000],
    ['US$ 900', 90_000],
    ['1.25k', 125_000],
    ['$1,234.5k', 123_450_000],
  ];
  it.each(accepted)('%s → %i cents', (input, cents) => {
    expect(parseMoney(input)).toEqual({ ok: true, cents });
  });
});

describe('parseMoney rejects with a reason', () => {
  const rejected: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['abc', /not an amount/],
    ['$', /not an amount/],
    ['-500', /negative/],
    ['($500)', /negative/],
    ['€1500', /not in US dollars/],
    ['1500 EUR', /not in US dollars/],
    ['£200', /not in US dollars/],
    ['$1,000-$2,000', /range/],
    ['1000 to 2000', /range/],
    ['$1.234', /more than two decimals/],
    ['1,50', /misplaced thousands/],
    ['12,34,567', /misplaced thousands/],
    ['1.2.3', /not an amount/],
    ['1.5kk', /not an amount/],
    ['1.2345678k', /whole number of cents/],
    ['$99999999999', /implausibly large/],
    ['usd1500', /not an amount/],
    ['five hundred', /not an amount/],
    ['1e5', /not an amount/],
    ['NaN', /not an amount/],
  ];
  it.each(rejected)('%j is rejected', (input, reason) => {
    const parsed = parseMoney(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('formatCents', () => {
  it.each([
    [0, '$0.00'],
    [5, '$0.05'],
    [150_000, '$1,500.00'],
    [123_456_789, '$1,234,567.89'],
    [-2_500, '-$25.00'],
  ])('%i → %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('drops zero cents only when asked', () => {
    expect(formatCents(150_000, { dropZeroCents: true })).toBe('$1,500');
    expect(formatCents(150_050, { dropZeroCents: true })).toBe('$1,500.50');
  });

  it('refuses non-integer cents', () => {
    expect(() => formatCents(1.5)).toThrow(RangeError);
  });

  it('round-trips through the parser', () => {
    for (const cents of [0, 1, 99, 100, 150_000, 987_654_321]) {
      expect(parseMoney(formatCents(cents))).toEqual({ ok: true, cents });
    }
  });
});

describe('parseCount', () => {
  it.each([
    ['50000', 50_000],
    ['50,000', 50_000],
    ['50k', 50_000],
    ['1.2M', 1_200_000],
    ['1.2m views', 1_200_000],
    [' 7 500 ', 7_500],
  ])('%j → %i', (input, value) => {
    expect(parseCount(input)).toEqual({ ok: true, value });
  });

  it.each(['', 'lots', '1.5', '-3', '$50k', '1,50'])('%j is not a count', (input) => {
    expect(parseCount(input).ok).toBe(false);
  });
});
