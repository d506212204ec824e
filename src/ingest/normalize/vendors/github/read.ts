/**
 * Small readers for GitHub audit entries, on top of the shared accessors.
 * GitHub sends ids as JSON numbers (Panther and some shippers turn them into
 * strings), times as epoch milliseconds (exports sometimes as text), and a
 * few lists as comma-separated strings; these readers accept each form and
 * return `undefined` for anything else. None of them throws.
 */
import type { Obj } from '../../accessors.js';
import { isoFromIntegerMs, isoTimestamp } from '../../timestamp.js';

/** An id as text: integers (also the digit strings decode keeps big ones as) or non-empty strings. */
export function idText(o: Obj | undefined, key: string): string | undefined {
  const v = o?.[key];
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A scalar as text (keyword fields that vendors fill with strings, numbers or booleans). */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** A list of keywords from a JSON array of scalars or a comma-separated string. */
export function textList(o: Obj | undefined, key: string): string[] | undefined {
  const v = o?.[key];
  const out: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = scalarText(item);
      if (s !== undefined) out.push(s);
    }
  } else if (typeof v === 'string') {
    for (const part of v.split(',')) {
      const s = part.trim();
      if (s !== '') out.push(s);
    }
  }
  return out.length > 0 ? out : undefined;
}

// ±8.64e15 ms is the range a JS Date can represent.
const MAX_EPOCH_MS = 8.64e15;
const EPOCH_MS_TEXT = /^\d{1,16}(\.\d+)?$/;

function fromEpochMs(ms: number): string | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS ? isoFromIntegerMs(Math.trunc(ms)) : undefined;
}

/**
 * An event time: epoch milliseconds (number or digit string, as GitHub's
 * `@timestamp`/`created_at` are documented) or an RFC 3339 / "YYYY-MM-DD
 * hh:mm:ss.fff" text (a zone-less text is UTC). Anything else is undefined.
 */
export function eventTime(v: unknown): string | undefined {
  if (typeof v === 'number') return fromEpochMs(v);
  if (typeof v !== 'string') return undefined;
  if (EPOCH_MS_TEXT.test(v)) return fromEpochMs(Number(v));
  return isoTimestamp(v);
}

/** Shared with every vendor: see accessors.ts. */
export { compact } from '../../accessors.js';
