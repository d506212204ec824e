/**
 * sequence: ordered steps joined by the `by` fields within `maxspanMs`.
 *
 * Semantics:
 * - The runtime tests every step predicate on each event and hands over the
 *   events that match at least one, with a bit mask of the steps they match
 *   (bit i = step i). Events matching no step are never buffered.
 * - The buffer is kept in event-time order (an out-of-order arrival within
 *   lateness lands in its time position) and bounded: at most `cap` events
 *   (4 × the total step count), the oldest dropped first, and events older
 *   than `cutoff` (watermark − maxspan − lateness) pruned.
 * - After each insert the buffer is scanned greedily from each event that can
 *   start step 0, oldest first: step i takes the next `counts[i]` events that
 *   match it, events not matching the step being filled are skipped (an event
 *   matching several steps is used for the one being filled), and every used
 *   event must lie within maxspan (inclusive) of the first. Greedy earliest
 *   choice is optimal here, so a sequence that can complete is found.
 * - A complete sequence yields one detection (windowStartMs = its first
 *   event, count = events used) and its events are removed; unused ones stay.
 */
import { decodeList, encodeMark, firedOfList, insertMark, isEvent, pruneBefore } from './timeline.js';
import type { Codec, Fired, Mark } from './types.js';

export interface StepMark extends Mark {
  /** Bit i set when the event matches step i. */
  m: number;
}

export interface SequenceParams {
  /** Repeat count of each step, in order. */
  readonly counts: readonly number[];
  readonly maxspanMs: number;
  /** Buffer bound (events). */
  readonly cap: number;
}

/** Steps are a bit mask in a 32-bit integer. */
export const MAX_STEPS = 30;

function decodeStepMark(x: unknown): StepMark | undefined {
  if (!Array.isArray(x) || x.length < 3 || x.length > 4) return undefined;
  const [t, id, m, s] = x as [unknown, unknown, unknown, unknown];
  if (typeof t !== 'number' || typeof id !== 'string' || typeof m !== 'number') return undefined;
  if (s !== undefined && !isEvent(s)) return undefined;
  return { t, id, m, s };
}

export const sequenceCodec: Codec<StepMark[]> = {
  encode: (marks) =>
    marks.map((mark) => {
      const base = encodeMark(mark);
      base.splice(2, 0, mark.m);
      return base;
    }),
  decode: (v) => decodeList(v, decodeStepMark),
};

/**
 * Greedy match from `start`: the index of the event that completes the last
 * step, or -1. Allocates nothing unless `used` is given to collect the indices.
 */
function matchFrom(marks: readonly StepMark[], start: number, p: SequenceParams, used?: number[]): number {
  const limit = (marks[start] as StepMark).t + p.maxspanMs;
  let step = 0;
  let need = p.counts[0] ?? 1;
  for (let k = start; k < marks.length; k++) {
    const mark = marks[k] as StepMark;
    if (mark.t > limit) return -1;
    if (((mark.m >>> step) & 1) === 0) continue;
    used?.push(k);
    if (--need > 0) continue;
    step++;
    if (step === p.counts.length) return k;
    need = p.counts[step] ?? 1;
  }
  return -1;
}

export function sequenceAdd(marks: StepMark[], mark: StepMark, p: SequenceParams, cutoff: number): Fired | undefined {
  pruneBefore(marks, cutoff);
  let at = insertMark(marks, mark);
  if (marks.length > p.cap) {
    const over = marks.length - p.cap;
    marks.splice(0, over);
    at -= over;
    if (at < 0) return undefined;
  }
  // Before this insert no sequence could complete, so one that completes now
  // uses the new event: it ends at or after it (so some event from there on
  // matches the last step: the cheap test that settles most inserts), and it
  // starts at most maxspan before it. Those starts are tried oldest first.
  const lastBit = 1 << (p.counts.length - 1);
  let ends = false;
  for (let k = at; k < marks.length && !ends; k++) ends = ((marks[k] as StepMark).m & lastBit) !== 0;
  if (!ends) return undefined;
  let first = at;
  while (first > 0 && (marks[first - 1] as StepMark).t >= mark.t - p.maxspanMs) first--;
  for (let start = first; start <= at; start++) {
    if (((marks[start] as StepMark).m & 1) === 0 || matchFrom(marks, start, p) < 0) continue;
    const used: number[] = [];
    matchFrom(marks, start, p, used);
    const fired = firedOfList(used.map((k) => marks[k] as StepMark));
    // Remove the consumed events, keeping the others in order.
    let w = 0;
    let u = 0;
    for (let k = 0; k < marks.length; k++) {
      if (u < used.length && used[u] === k) u++;
      else marks[w++] = marks[k] as StepMark;
    }
    marks.length = w;
    return fired;
  }
  return undefined;
}
