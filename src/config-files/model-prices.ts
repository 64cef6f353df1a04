import { join } from 'node:path';
import { z } from 'zod';
import { MAX_PRICE_PER_MTOK, type PriceTable, priceUnits } from '../domain/model-cost.js';
import { loadYamlFile } from './load-yaml.js';

const price = z
  .number()
  .min(0)
  .max(MAX_PRICE_PER_MTOK)
  .refine((v) => priceUnits(v) !== null, 'at most 6 decimal places');

const schema = z.strictObject({
  models: z.record(
    z.string().regex(/^\S+$/, 'a model id has no spaces'),
    z.strictObject({
      input_per_mtok: price,
      output_per_mtok: price,
      cache_write_per_mtok: price,
      cache_read_per_mtok: price,
    }),
  ),
});

/**
 * Loads and validates `config/model-prices.yaml` (US dollars per million tokens, by model id).
 * A missing or invalid file is an error, never an empty table: costs would silently read zero.
 */
export function loadModelPrices(configDir: string): PriceTable {
  const raw = loadYamlFile(join(configDir, 'model-prices.yaml'), schema);
  return Object.fromEntries(
    Object.entries(raw.models).map(([model, p]) => [
      model,
      {
        inputPerMTok: p.input_per_mtok,
        outputPerMTok: p.output_per_mtok,
        cacheWritePerMTok: p.cache_write_per_mtok,
        cacheReadPerMTok: p.cache_read_per_mtok,
      },
    ]),
  );
}
