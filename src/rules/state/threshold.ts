/**
 * threshold: at least `count` events of one group within `windowMs`.
 *
 * Semantics:
 * - A window is inclusive at both ends: events at t and t + windowMs are in
 *   one window. Marks are kept in event-time order, so an event that arrives
 *   out of order (within the allowed lateness) lands in its time position and
 *   every run of `count` consecutive marks that contains it is checked: a late
 *   event can complete a window in the past, not only the one ending now.
 * - When a window completes, the detection covers exactly those `count`
 *   events (windowStartMs = the earliest of them) and the group resets: that
 *   window's events and every older one are dropped, so the next alert needs
 *   `count` new events. Newer marks (possible only out of order) stay.
 * - Marks older than `cutoff` (watermark − window − lateness) are pruned: no
 *   on-time event can share a window with them.
 * Memory per group: the marks inside window + lateness, at most ~count per
 * window span, each a time and an id; only the newest 10 keep a projection.
 */
import { decodeList, decodeMark, encodeMark, firedOf, insertMark, pruneBefore, trimSamples } from './timeline.js';
import type { Codec, Fired, Mark } from './types.js';

export interface ThresholdParams {
  readonly count: number;
  readonly windowMs: number;
}

export const thresholdCodec: Codec<Mark[]> = {
  encode: (marks) => marks.map(encodeMark),
  decode: (v) => decodeList(v, decodeMark),
};

export function thresholdAdd(marks: Mark[], mark: Mark, p: ThresholdParams, cutoff: number): Fired | undefined {
  pruneBefore(marks, cutoff);
  const at = insertMark(marks, mark);
  const n = marks.length;
  // Windows of exactly `count` marks that contain the new one, oldest first.
  for (let i = Math.max(0, at - p.count + 1); i <= at && i + p.count <= n; i++) {
    const j = i + p.count - 1;
    if ((marks[j] as Mark).t - (marks[i] as Mark).t <= p.windowMs) {
      const fired = firedOf(marks, i, j);
      marks.splice(0, j + 1);
      return fired;
    }
  }
  trimSamples(marks, at);
  return undefined;
}
