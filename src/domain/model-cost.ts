/**
 * What a model call cost, in integer micro-dollars (1 USD = 1,000,000 µ$), so stored money is never
 * a float. Prices are configured in US dollars per million tokens — which is exactly micro-dollars
 * per token — so a call costs Σ tokens × price. Each price is carried as an integer count of
 * 10⁻⁶ of its unit (BigInt), and the total is rounded half-up once, at the end.
 */

/** Tokens of one call, by how they are billed. */
export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** US dollars per million tokens, as the vendor's price list (and our contract) states them. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheWritePerMTok: number;
  cacheReadPerMTok: number;
}

/** Prices by model id, exactly as the id is configured and reported by the API. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** Integer micro-dollars. */
export type Micros = number;

/** Anything above this per million tokens is a typo, not a price. */
export const MAX_PRICE_PER_MTOK = 10_000;
const PRICE_SCALE = 1_000_000n;

/**
 * A price as an integer number of 10⁻⁶ dollars per million tokens, or null when it is negative,
 * implausibly large or has more than six decimals (which could not be carried exactly).
 */
export function priceUnits(dollarsPerMTok: number): bigint | null {
  if (!Number.isFinite(dollarsPerMTok) || dollarsPerMTok < 0) return null;
  if (dollarsPerMTok > MAX_PRICE_PER_MTOK) return null;
  const scaled = dollarsPerMTok * 1_000_000;
  const rounded = Math.round(scaled);
  // Within the bound, float error stays far below 10⁻³ of a unit: a larger gap is real decimals.
  return Math.abs(scaled - rounded) < 1e-3 ? BigInt(rounded) : null;
}

/** The cost of one call in integer micro-dollars, rounded half-up. Throws on impossible inputs. */
export function costMicros(usage: ModelUsage, price: ModelPrice): Micros {
  const lines: Array<[string, number, number]> = [
    ['input', usage.inputTokens, price.inputPerMTok],
    ['output', usage.outputTokens, price.outputPerMTok],
    ['cache write', usage.cacheWriteTokens, price.cacheWritePerMTok],
    ['cache read', usage.cacheReadTokens, price.cacheReadPerMTok],
  ];
  let total = 0n;
  for (const [what, tokens, dollars] of lines) {
    if (!Number.isSafeInteger(tokens) || tokens < 0)
      throw new RangeError(`${what} tokens must be a whole number ≥ 0, got ${tokens}`);
    const units = priceUnits(dollars);
    if (units === null) throw new RangeError(`${what} price is not a valid price: ${dollars}`);
    total += BigInt(tokens) * units;
  }
  const micros = (total + PRICE_SCALE / 2n) / PRICE_SCALE;
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('cost is implausibly large');
  return Number(micros);
}

/** The price of a model, or null when the table does not list it (never an inherited key). */
export function priceFor(table: PriceTable, model: string): ModelPrice | null {
  return Object.hasOwn(table, model) ? (table[model] ?? null) : null;
}

/**
 * Costs calls against a price table. A model the table does not list costs "unknown" (null) —
 * metering must never stop a negotiation — and is reported once per model, not once per call.
 */
export function createCostMeter(deps: {
  prices: PriceTable;
  onUnknownModel?: (model: string) => void;
}) {
  const reported = new Set<string>();
  return {
    costOf(model: string, usage: ModelUsage): Micros | null {
      const price = priceFor(deps.prices, model);
      if (price) return costMicros(usage, price);
      if (!reported.has(model)) {
        reported.add(model);
        deps.onUnknownModel?.(model);
      }
      return null;
    },
  };
}

export type CostMeter = ReturnType<typeof createCostMeter>;
