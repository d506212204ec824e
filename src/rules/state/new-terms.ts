/**
 * new_terms: a value tuple of the rule's fields not seen for the group within
 * `historyMs` before the event.
 *
 * Semantics:
 * - One slot per (group, tuple): its key is the JSON of the group-by values
 *   followed by the tuple's values, and the slot's `last` is the tuple's
 *   newest event time. This keeps the per-rule key cap meaningful (a rule
 *   without group_by would otherwise hold every tuple in one slot).
 * - An event is new when its tuple has no slot or the slot's newest time is
 *   older than t − historyMs (seen exactly historyMs earlier is not new). An
 *   out-of-order event whose tuple was already seen later is not new.
 * - Array fields contribute every combination of their elements (cartesian
 *   product, at most MAX_COMBINATIONS tuples per event, in field order).
 * - Slots expire (TTL) when older than watermark − history − lateness: no
 *   on-time event can look back to them.
 * - With no state (first start, or after eviction) every tuple is new.
 */
import type { JsonValue } from '../../ecs/index.js';
import type { Codec } from './types.js';

export const MAX_COMBINATIONS = 32;

/** Slots carry no state beyond `last`. */
export const newTermsCodec: Codec<null> = {
  encode: () => null,
  decode: (v) => (v === null ? null : undefined),
};

export function isNewTerm(lastSeen: number | undefined, t: number, historyMs: number): boolean {
  return lastSeen === undefined || lastSeen < t - historyMs;
}

/**
 * Every combination of the fields' values: a scalar is one value, an array
 * each of its elements (an empty array yields no tuple), at most `cap`.
 */
export function combinations(values: readonly JsonValue[], cap = MAX_COMBINATIONS): JsonValue[][] {
  let out: JsonValue[][] = [[]];
  for (const v of values) {
    const options = Array.isArray(v) ? v : [v];
    const next: JsonValue[][] = [];
    for (const prefix of out) {
      for (const o of options) {
        if (next.length >= cap) break;
        next.push([...prefix, o]);
      }
    }
    out = next;
  }
  return out;
}
