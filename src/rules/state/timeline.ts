/**
 * Event-time ordered lists of marks, the building block of the threshold,
 * cardinality and sequence windows.
 *
 * Invariants:
 * - A list is sorted by `t`; events with equal times keep arrival order, so a
 *   replayed or restored list is rebuilt in exactly the same order.
 * - Only the newest MAX_SAMPLE marks of a threshold/cardinality list hold a
 *   projection `s` (trimSamples keeps that after each insert): a window of
 *   10,000 events costs 10,000 times and ids, not 10,000 events.
 */
import type { EcsEvent } from '../../ecs/index.js';
import { MAX_EVENT_IDS, MAX_SAMPLE, type Fired, type Mark } from './types.js';

/** Position after every mark with time ≤ t: binary search, no allocation. */
export function upperBound(marks: readonly Mark[], t: number): number {
  let lo = 0;
  let hi = marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((marks[mid] as Mark).t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts in event-time position; returns the index it landed at. */
export function insertMark<M extends Mark>(marks: M[], mark: M): number {
  const at = upperBound(marks, mark.t);
  if (at === marks.length) marks.push(mark);
  else marks.splice(at, 0, mark);
  return at;
}

/**
 * Restores the "only the newest MAX_SAMPLE hold a projection" invariant after
 * one insert at `at`: either the new mark is too old to keep one, or the mark
 * it pushed out of the newest group loses its own.
 */
export function trimSamples(marks: Mark[], at: number): void {
  const edge = marks.length - MAX_SAMPLE;
  if (at < edge) (marks[at] as Mark).s = undefined;
  else if (edge >= 1) (marks[edge - 1] as Mark).s = undefined;
}

/** Drops marks older than `cutoff` (they can no longer share a window with an on-time event). */
export function pruneBefore(marks: Mark[], cutoff: number): void {
  let k = 0;
  while (k < marks.length && (marks[k] as Mark).t < cutoff) k++;
  if (k > 0) marks.splice(0, k);
}

/** The report for marks[from..to] (inclusive, sorted). */
export function firedOf(marks: readonly Mark[], from: number, to: number): Fired {
  const first = marks[from] as Mark;
  const last = marks[to] as Mark;
  const eventIds: string[] = [];
  for (let k = from; k <= to && eventIds.length < MAX_EVENT_IDS; k++) eventIds.push((marks[k] as Mark).id);
  return { windowStartMs: first.t, firstEventMs: first.t, lastEventMs: last.t, count: to - from + 1, eventIds, sample: newestSamples(marks, from, to) };
}

/** The same report for an arbitrary list of used marks (sequences consume non-adjacent ones). */
export function firedOfList(used: readonly Mark[]): Fired {
  return firedOf(used, 0, used.length - 1);
}

/**
 * Newest MAX_SAMPLE projections of marks[from..to], oldest first: the alert
 * reads entities from the last one, which must be the newest event.
 */
function newestSamples(marks: readonly Mark[], from: number, to: number): EcsEvent[] {
  const out: EcsEvent[] = [];
  for (let k = to; k >= from && out.length < MAX_SAMPLE; k--) {
    const s = (marks[k] as Mark).s;
    if (s !== undefined) out.push(s);
  }
  return out.reverse();
}

/** `[t, id]` or `[t, id, projection]`: compact, and exact through JSON. */
export function encodeMark(m: Mark): unknown[] {
  return m.s === undefined ? [m.t, m.id] : [m.t, m.id, m.s];
}

export function decodeMark(v: unknown): Mark | undefined {
  if (!Array.isArray(v) || v.length < 2 || v.length > 3) return undefined;
  const [t, id, s] = v as [unknown, unknown, unknown];
  if (typeof t !== 'number' || typeof id !== 'string') return undefined;
  if (s !== undefined && !isEvent(s)) return undefined;
  return { t, id, s };
}

export function decodeList<M>(v: unknown, one: (x: unknown) => M | undefined): M[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: M[] = [];
  for (const x of v) {
    const m = one(x);
    if (m === undefined) return undefined;
    out.push(m);
  }
  return out;
}

export function isEvent(v: unknown): v is EcsEvent {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { '@timestamp'?: unknown })['@timestamp'] === 'string';
}
