/**
 * cardinality: at least `count` distinct values of a field in one group
 * within `windowMs`.
 *
 * Semantics:
 * - The window evaluated is the one ending at the group's newest event time
 *   M: [M − window, M], inclusive. Each distinct value is kept once, with its
 *   newest occurrence; an out-of-order event (within lateness) counts when
 *   its time falls inside that window, and only refreshes a value whose known
 *   occurrence is older.
 * - Values compare exactly (JSON text: case-sensitive, 1 ≠ "1"); an array
 *   field contributes each element; events without the field are skipped by
 *   the runtime.
 * - When `count` is reached the detection covers the distinct values' newest
 *   occurrences (windowStartMs = the oldest of them) and the group resets.
 * Memory per group: fewer than `count` values (more would have fired), each
 * a time, an id and the value text; only the newest 10 keep a projection.
 */
import type { EcsEvent } from '../../ecs/index.js';
import { decodeList, encodeMark, firedOf, insertMark, isEvent, pruneBefore, trimSamples } from './timeline.js';
import type { Codec, Fired, Mark } from './types.js';

export interface ValueMark extends Mark {
  v: string;
}

export interface CardinalityParams {
  readonly count: number;
  readonly windowMs: number;
}

function decodeValueMark(x: unknown): ValueMark | undefined {
  if (!Array.isArray(x) || x.length < 3 || x.length > 4) return undefined;
  const [t, id, v, s] = x as [unknown, unknown, unknown, unknown];
  if (typeof t !== 'number' || typeof id !== 'string' || typeof v !== 'string') return undefined;
  if (s !== undefined && !isEvent(s)) return undefined;
  return { t, id, v, s };
}

export const cardinalityCodec: Codec<ValueMark[]> = {
  encode: (marks) =>
    marks.map((m) => {
      const base = encodeMark(m);
      base.splice(2, 0, m.v);
      return base;
    }),
  decode: (v) => decodeList(v, decodeValueMark),
};

function indexOfValue(marks: readonly ValueMark[], v: string): number {
  for (let k = 0; k < marks.length; k++) if ((marks[k] as ValueMark).v === v) return k;
  return -1;
}

/** `values`: the event's distinct-field values as JSON text (several for an array field). */
export function cardinalityAdd(marks: ValueMark[], values: readonly string[], t: number, id: string, sample: EcsEvent, p: CardinalityParams): Fired | undefined {
  for (const v of values) {
    const known = indexOfValue(marks, v);
    if (known >= 0) {
      if ((marks[known] as ValueMark).t >= t) continue;
      marks.splice(known, 1);
    }
    trimSamples(marks, insertMark(marks, { t, id, v, s: sample }));
  }
  const newest = marks[marks.length - 1];
  if (newest === undefined) return undefined;
  pruneBefore(marks, newest.t - p.windowMs);
  if (marks.length < p.count) return undefined;
  const fired = firedOf(marks, 0, marks.length - 1);
  marks.length = 0;
  return fired;
}
