import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../src/config-files/load-yaml.js';
import { loadModelPrices } from '../../src/config-files/model-prices.js';
import {
  costMicros,
  createCostMeter,
  type ModelPrice,
  type ModelUsage,
  priceFor,
  priceUnits,
} from '../../src/domain/model-cost.js';
import { projectRoot } from '../../src/paths.js';

const sonnet: ModelPrice = {
  inputPerMTok: 3,
  outputPerMTok: 15,
  cacheWritePerMTok: 3.75,
  cacheReadPerMTok: 0.3,
};
const usage = (u: Partial<ModelUsage>): ModelUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  ...u,
});

describe('model cost', () => {
  it('prices each kind of token in integer micro-dollars', () => {
    expect(costMicros(usage({ inputTokens: 1_000_000 }), sonnet)).toBe(3_000_000);
    expect(costMicros(usage({ outputTokens: 1000 }), sonnet)).toBe(15_000);
    expect(costMicros(usage({ cacheWriteTokens: 4000 }), sonnet)).toBe(15_000);
    expect(costMicros(usage({ cacheReadTokens: 4000 }), sonnet)).toBe(1_200);
    // 1,234 × 3 + 567 × 15 + 2,048 × 3.75 + 8,192 × 0.3 = 3,702 + 8,505 + 7,680 + 2,457.6
    expect(
      costMicros(
        { inputTokens: 1234, outputTokens: 567, cacheWriteTokens: 2048, cacheReadTokens: 8192 },
        sonnet,
      ),
    ).toBe(22_345);
  });

  it('rounds the total once, half-up, with no float drift', () => {
    const cheap = { ...sonnet, cacheReadPerMTok: 0.1 };
    expect(costMicros(usage({ cacheReadTokens: 5 }), cheap)).toBe(1); // 0.5 → 1
    expect(costMicros(usage({ cacheReadTokens: 4 }), cheap)).toBe(0); // 0.4 → 0
    expect(costMicros(usage({ cacheReadTokens: 15 }), cheap)).toBe(2); // 1.5 → 2
    // 0.1 + 0.2 is not 0.3 in floats; three reads at 0.1 and at 0.2 sum to exactly 0.9 here.
    const parts = { ...cheap, inputPerMTok: 0.2 };
    expect(costMicros(usage({ cacheReadTokens: 3, inputTokens: 3 }), parts)).toBe(1); // 0.9
    // Rounding happens on the total, not per line: 0.4 + 0.4 = 0.8 → 1 (not 0 + 0).
    expect(costMicros(usage({ cacheReadTokens: 4, inputTokens: 2 }), parts)).toBe(1);
    expect(costMicros(usage({}), sonnet)).toBe(0);
  });

  it('carries prices with up to six decimals exactly and rejects the rest', () => {
    expect(priceUnits(0.3)).toBe(300_000n);
    expect(priceUnits(3.75)).toBe(3_750_000n);
    expect(priceUnits(0.000001)).toBe(1n);
    expect(priceUnits(0.0000001)).toBeNull();
    expect(priceUnits(-1)).toBeNull();
    expect(priceUnits(Number.NaN)).toBeNull();
    expect(priceUnits(20_000)).toBeNull();
    expect(() => costMicros(usage({ inputTokens: 1.5 }), sonnet)).toThrow(RangeError);
    expect(() => costMicros(usage({ inputTokens: -1 }), sonnet)).toThrow(RangeError);
  });

  it('returns null for an unknown model and reports it once', () => {
    const unknown: string[] = [];
    const meter = createCostMeter({
      prices: { 'claude-sandbox-sonnet': sonnet },
      onUnknownModel: (model) => unknown.push(model),
    });
    expect(meter.costOf('claude-sandbox-sonnet', usage({ outputTokens: 1000 }))).toBe(15_000);
    expect(meter.costOf('claude-mystery', usage({ outputTokens: 1000 }))).toBeNull();
    expect(meter.costOf('claude-mystery', usage({ outputTokens: 9 }))).toBeNull();
    expect(meter.costOf('constructor', usage({}))).toBeNull(); // never an inherited key
    expect(unknown).toEqual(['claude-mystery', 'constructor']);
    expect(priceFor({}, 'toString')).toBeNull();
  });
});

describe('model-prices.yaml', () => {
  const withFile = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'negotiator-prices-'));
    writeFileSync(join(dir, 'model-prices.yaml'), text);
    return dir;
  };

  it('loads the shipped table, sandbox models included', () => {
    const prices = loadModelPrices(join(projectRoot(), 'config'));
    expect(prices['claude-sandbox-sonnet']).toEqual(sonnet);
    expect(prices['claude-sandbox-haiku']).toMatchObject({ inputPerMTok: 1, outputPerMTok: 5 });
  });

  it('names the file and each bad field', () => {
    const dir = withFile(
      [
        'models:',
        '  claude-x:',
        '    input_per_mtok: -1',
        '    output_per_mtok: 15.0000001',
        '    cache_write_per_mtok: 3.75',
        '  claude-y:',
        '    input_per_mtok: 1',
        '    output_per_mtok: 5',
        '    cache_write_per_mtok: 1.25',
        '    cache_read_per_mtok: 0.1',
        '    currency: EUR',
      ].join('\n'),
    );
    const error = (() => {
      try {
        loadModelPrices(dir);
      } catch (e) {
        return e;
      }
      return expect.fail('expected an invalid file to be refused');
    })();
    expect(error).toBeInstanceOf(ConfigFileError);
    const message = (error as Error).message;
    expect(message).toMatch(/model-prices\.yaml is invalid/);
    expect(message).toMatch(/models\.claude-x\.input_per_mtok: /);
    expect(message).toMatch(/models\.claude-x\.output_per_mtok: at most 6 decimal places/);
    expect(message).toMatch(/models\.claude-x\.cache_read_per_mtok: /);
    expect(message).toMatch(/models\.claude-y: .*currency/);
  });

  it('refuses a missing file instead of pricing everything at zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'negotiator-prices-'));
    expect(() => loadModelPrices(dir)).toThrow(
      /model-prices\.yaml is invalid:\n {2}- file not found/,
    );
  });
});
