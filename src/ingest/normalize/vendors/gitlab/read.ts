/**
 * Small readers for GitLab audit events, on top of the shared accessors.
 * GitLab's ids are integers in the log and in most payloads but strings in
 * the streaming schema (`id`) and for some targets (`target_id` holds a name
 * for a few target types); these readers accept either and never throw.
 */
import { isObj, type Obj } from '../../accessors.js';

/** A scalar as text (keyword fields GitLab fills with strings, numbers or booleans). */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** An integer from a number or a digit string (big ones stay digit strings, as decode keeps them). */
export function longValue(v: unknown): number | string | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return undefined;
}

const META_KEYS = new Map<string, string>();

/** `meta.<key>`, built once per key (keys are constants of the mapping). */
function metaKey(key: string): string {
  let flat = META_KEYS.get(key);
  if (flat === undefined) {
    flat = `meta.${key}`;
    META_KEYS.set(key, flat);
  }
  return flat;
}

/**
 * A key of the audit_json.log line format, which writes request metadata as
 * flat dotted keys (`"meta.user": "root"`); a shipper may have expanded them
 * into a `meta` object instead, so both are read.
 */
export function metaValue(raw: Obj, key: string): unknown {
  const flat = raw[metaKey(key)];
  if (flat !== undefined && flat !== null) return flat;
  const meta = raw['meta'];
  return isObj(meta) ? meta[key] : undefined;
}

/** Shared with every vendor: see accessors.ts. */
export { compact } from '../../accessors.js';
