/** Model calls with their tokens and cost, per negotiation (cost metering). */
import type Database from 'better-sqlite3';

export interface ModelCallRow {
  negotiationId: string | null;
  effectKey: string | null;
  purpose: 'reading' | 'writing';
  model: string;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costMicros: number | null;
  durationMs: number;
  at: number;
}

export function createModelCallStore(sqlite: Database.Database) {
  const insert =
    sqlite.prepare(`insert into model_calls (negotiation_id, effect_key, purpose, model,
    outcome, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros,
    duration_ms, at) values (@negotiationId, @effectKey, @purpose, @model, @outcome, @inputTokens,
    @outputTokens, @cacheReadTokens, @cacheWriteTokens, @costMicros, @durationMs, @at)`);
  const totals =
    sqlite.prepare(`select count(*) as calls, coalesce(sum(input_tokens), 0) as inputTokens,
    coalesce(sum(output_tokens), 0) as outputTokens,
    coalesce(sum(cache_read_tokens), 0) as cacheReadTokens,
    coalesce(sum(cache_write_tokens), 0) as cacheWriteTokens,
    coalesce(sum(cost_micros), 0) as costMicros,
    sum(case when cost_micros is null then 1 else 0 end) as unpriced
    from model_calls where negotiation_id = ?`);
  return {
    record(row: ModelCallRow): void {
      insert.run(row);
    },
    /** Everything the model cost one negotiation; `unpriced` calls had no price configured. */
    totals(negotiationId: string) {
      return totals.get(negotiationId) as {
        calls: number;
        inputTokens: number;
        outputTokens: number;
        cacheReadTokens: number;
        cacheWriteTokens: number;
        costMicros: number;
        unpriced: number;
      };
    },
  };
}

export type ModelCallStore = ReturnType<typeof createModelCallStore>;
