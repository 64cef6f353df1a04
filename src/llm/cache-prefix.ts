/**
 * Prompt caching only pays when the shared prefix is at least the model's minimum cacheable
 * length — below it nothing is cached and no error says so (PROTOCOLS.md). The service checks
 * the writing prompt's prefix at startup and warns, so a trimmed knowledge base does not quietly
 * multiply the model bill.
 *
 * Minimums (Anthropic's documentation at the time of writing): 4,096 tokens for Haiku-class
 * models, 2,048 for Sonnet-class, 1,024 for Opus-class; unknown model ids get the strictest.
 */
const MINIMUMS: Array<[RegExp, number]> = [
  [/haiku/i, 4096],
  [/sonnet/i, 2048],
  [/opus/i, 1024],
];

export function minimumCacheablePrefix(model: string): number {
  return MINIMUMS.find(([pattern]) => pattern.test(model))?.[1] ?? 4096;
}

/** A rough token count for English prose and markdown: about four characters a token. */
export const approxTokens = (text: string) => Math.ceil(text.length / 4);

/** The warning to log when a prefix is too short to be cached, else null. */
export function cachePrefixWarning(model: string, prefix: string): string | null {
  const tokens = approxTokens(prefix);
  const minimum = minimumCacheablePrefix(model);
  if (tokens >= minimum) return null;
  return `the shared prompt prefix for ${model} is about ${tokens} tokens, below the ${minimum} the model caches: every writing call pays full price for it (grow the knowledge base, or accept the cost)`;
}
