/** Durations written by people: "48h", "90m", "30s", "7d", "1500ms", "2h30m". */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(input: string): number | null {
  const text = input.trim().toLowerCase();
  if (!/^(?:\d+(?:ms|s|m|h|d))+$/.test(text)) return null;
  let total = 0;
  for (const [, amount = '0', unit = 'ms'] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(amount) * (UNIT_MS[unit] ?? 1);
  }
  return Number.isSafeInteger(total) ? total : null;
}

export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
