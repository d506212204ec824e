/**
 * Small readers the Slack normalizer needs beyond ../../accessors.ts: epoch
 * timestamps at the precision Slack sends them, keyword values that may come
 * as numbers, and string lists.
 */
import type { Obj } from '../../accessors.js';

/** Largest epoch millisecond ES and JS both accept as an ISO date (year 9999). */
const MAX_MS = 253_402_300_799_999;

/** Epoch milliseconds → ISO 8601 UTC, or undefined when out of range. */
export function isoFromMillis(ms: number): string | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? new Date(Math.floor(ms)).toISOString() : undefined;
}

/**
 * Epoch microseconds → ISO 8601 UTC keeping all six fraction digits
 * (`2023-07-13T12:01:56.345113Z`): the Date type would round to milliseconds.
 */
export function isoFromMicros(us: number): string | undefined {
  if (!Number.isSafeInteger(us)) return undefined;
  const secs = Math.floor(us / 1e6);
  const iso = isoFromMillis(secs * 1000);
  return iso === undefined ? undefined : `${iso.slice(0, 19)}.${String(us - secs * 1e6).padStart(6, '0')}Z`;
}

/** A number, or a string of digits (Slack's ids and epochs come both ways). */
export function numeric(o: Obj | undefined, key: string): number | undefined {
  const v = o?.[key];
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\d{1,16}(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** A keyword: a non-empty string, or a number written as text. */
export function keyword(o: Obj | undefined, key: string): string | undefined {
  const v = o?.[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** The non-empty strings of a list (other members are skipped). */
export function strings(o: Obj | undefined, key: string): string[] | undefined {
  const v = o?.[key];
  if (!Array.isArray(v)) return undefined;
  const out = v.filter((x): x is string => typeof x === 'string' && x !== '');
  return out.length > 0 ? out : undefined;
}

/** Shared with every vendor: see accessors.ts. */
export { compact } from '../../accessors.js';
