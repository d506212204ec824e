/**
 * new_terms: a value tuple of the rule's fields not seen for a known group
 * within `historyMs` before the event.
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
 * - Baseline: each group also has a marker slot (key `@group:` + the JSON of
 *   the group-by values, which no tuple key can equal), touched by every
 *   event of the group. While the marker is missing or older than historyMs,
 *   the group is unknown and its events only learn their tuples; otherwise a
 *   fresh start (no state, or state evicted) would call every tuple new and
 *   alert once per user. A rule without group_by is one group: its first
 *   event learns. Markers are slots like tuples: they count toward the key
 *   cap, expire by TTL, are checkpointed and skip replayed offsets.
 * - Seed: sightings read from history already in Elasticsearch before Sift
 *   started (src/pipeline/new-terms-seed.ts), a read-only overlay beside the
 *   slots: a tuple (or group) is seen when its slot or its seed says so. The
 *   slots (restored from the state topic or not) are never written by it, so
 *   seeding merges with restored state instead of replacing it.
 */
import type { JsonValue } from '../../ecs/index.js';
import type { Codec } from './types.js';

export const MAX_COMBINATIONS = 32;

/**
 * Tuple slots carry no state beyond `last`. A marker slot holds the id of the
 * event that began its group's baseline, so a redelivered event can tell
 * whether the group was known before it (apply.ts); null in checkpoints
 * written before, read as "known".
 */
export const newTermsCodec: Codec<string | null> = {
  encode: (s) => s,
  decode: (v) => (v === null || typeof v === 'string' ? v : undefined),
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

/** Event times of a tuple's (or a group's) sightings in history: the first and the last. */
export type SeedSpan = readonly [first: number, last: number];

/**
 * What history said about a new_terms rule: JSON of [...group values,
 * ...tuple] → its sightings, and JSON of the group values → the group's.
 */
export interface NewTermsSeed {
  readonly tuples: ReadonlyMap<string, SeedSpan>;
  readonly groups: ReadonlyMap<string, SeedSpan>;
}

/**
 * Was it seen in (t − historyMs, t] strictly before t? Only the first and
 * last sightings are known: the last when it is before t; else (the event
 * itself may be the last, indexed before a crash and replayed) the first,
 * so a replayed event is never hidden by its own earlier indexing.
 */
export function seenInSeed(span: SeedSpan | undefined, t: number, historyMs: number): boolean {
  if (span === undefined) return false;
  const [first, last] = span;
  if (last < t) return last >= t - historyMs;
  return first < t && first >= t - historyMs;
}
