/** Milliseconds per duration unit of the rule format. */
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Longer than any window a rule can sensibly keep state for; bounds the arithmetic too. */
const MAX_MS = 400 * 86_400_000;

/**
 * `500ms`, `30s`, `10m`, `1h`, `14d` → milliseconds. `undefined` for anything
 * else: no spaces, no fractions, no compound forms (`1h30m`), nothing above
 * 400 days. Zero is a valid duration here; callers that need a positive one say so.
 */
export function parseDuration(text: string): number | undefined {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === 0 || i > 12) return undefined;
  const unit = text.slice(i);
  if (!Object.hasOwn(UNITS, unit)) return undefined;
  const ms = Number(text.slice(0, i)) * (UNITS[unit] ?? 0);
  return ms <= MAX_MS ? ms : undefined;
}
