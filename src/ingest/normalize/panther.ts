/**
 * Panther's exported log shape: each row is the vendor's event plus Panther's
 * standard fields at its top level, all named `p_*` (p_event_time,
 * p_parse_time, p_log_type, p_row_id, p_source_id, p_source_label, the
 * p_any_* indicator lists, p_udm, p_enrichment, …; "Panther Fields",
 * https://docs.panther.com/search/panther-fields). None of them is the
 * vendor's: they are dropped before the vendor's normalizer sees the event,
 * so they never reach ECS fields or the flattened vendor objects. One is
 * used: `p_event_time`, Panther's event time (UTC, "2023-03-28 18:37:06.079"),
 * stands in for the vendor's own time when the event has none.
 */
import { isObj, type Obj } from './accessors.js';
import type { Source } from './source.js';
import { isoTimestamp } from './timestamp.js';

/** A top-level key of Panther's own (`p_` then a letter). */
const isPantherKey = (k: string): boolean => k.length > 2 && k.charCodeAt(0) === 0x70 && k.charCodeAt(1) === 0x5f;

function hasPantherKey(o: Obj): boolean {
  for (const k in o) if (Object.hasOwn(o, k) && isPantherKey(k)) return true;
  return false;
}

const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

/**
 * The event without Panther's keys, with `p_event_time` (as RFC 3339) in
 * `timeKeys[0]` when none of the vendor's `timeKeys` holds a time.
 */
export function withoutPantherFields(o: Obj, timeKeys: readonly string[]): Obj {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    if (isPantherKey(k)) continue;
    // A plain store keeps `out` a fast-properties object (defining every key
    // turned it into a dictionary, slow to read for the normalizer and the
    // serializer); only an own `__proto__` key (JSON.parse makes one) must be
    // defined, as a store would set the prototype instead.
    if (k === '__proto__') Object.defineProperty(out, k, { value: o[k], enumerable: true, writable: true, configurable: true });
    else out[k] = o[k];
  }
  const first = timeKeys[0];
  const pet = o['p_event_time'];
  if (first !== undefined && typeof pet === 'string' && timeKeys.every((k) => absent(o[k]))) {
    const iso = isoTimestamp(pet.trim());
    if (iso !== undefined) out[first] = iso;
  }
  return out;
}

/**
 * `source` reading Panther-shaped events too. `timeKeys`: the top-level keys
 * that hold the vendor's event time, the one to fill first. Events without a
 * `p_*` key are passed through untouched (no copy).
 */
export function pantherAware(source: Source, timeKeys: readonly string[]): Source {
  return {
    ...source,
    normalize: (raw, opts) => source.normalize(isObj(raw) && hasPantherKey(raw) ? withoutPantherFields(raw, timeKeys) : raw, opts),
  };
}
