/**
 * Small readers the Zoom normalizers need beyond ../../accessors.ts: epoch
 * milliseconds, keyword values that Zoom sends as numbers (meeting ids, user
 * types, alert kinds), and `compact`.
 */
import type { Obj } from '../../accessors.js';
import { isoFromIntegerMs, isoTimestamp } from '../../timestamp.js';

/** Largest epoch millisecond ES and JS both accept as an ISO date (year 9999). */
const MAX_MS = 253_402_300_799_999;

/** Epoch milliseconds → ISO 8601 UTC, or undefined when out of range. */
export function isoFromMillis(ms: number): string | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? isoFromIntegerMs(Math.floor(ms)) : undefined;
}

/** A date field: an ISO 8601 string (Zoom's format) or epoch milliseconds. */
export function dateValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : isoTimestamp(v);
  if (typeof v === 'number') return isoFromMillis(v);
  return undefined;
}

/** A keyword: a non-empty string, or a number or boolean written as text. */
export function keywordValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return String(v);
  return undefined;
}

export function keyword(o: Obj | undefined, key: string): string | undefined {
  return keywordValue(o?.[key]);
}

/** Shared with every vendor: see accessors.ts. */
export { compact } from '../../accessors.js';

/** A de-duplicated list of the defined values, or undefined when empty. */
export function listOf(...values: (string | undefined)[]): string[] | undefined {
  const out: string[] = [];
  for (const v of values) if (v !== undefined && !out.includes(v)) out.push(v);
  return out.length > 0 ? out : undefined;
}
