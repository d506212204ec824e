/**
 * travel: consecutive events of one group whose geo points are too far apart
 * for the time between them (impossible travel).
 *
 * Semantics:
 * - Each event with a usable point (geo.ts) becomes a mark in event-time
 *   order; an out-of-order event (within lateness) lands in its time position
 *   and is compared with its neighbours there: the event just before it and,
 *   when it arrived late, the one just after.
 * - A pair fires when the points lie at least `minDistanceKm` apart (great
 *   circle, haversine) and the speed distance / time exceeds `maxSpeedKmh`;
 *   two events at the same instant and different places have infinite speed.
 *   Pairs further apart in time than `windowMs` are not compared. The
 *   earlier pair (before, new) is checked first; one detection per event.
 * - Nothing resets after a detection: each hop is judged on its own (New
 *   York → London fires, London → London does not, London → New York fires
 *   again).
 * - Marks older than `cutoff` (watermark − window − lateness) are pruned, and
 *   a group keeps at most MAX_TRAVEL_MARKS (the newest).
 */
import { distanceKm, type GeoPoint } from './geo.js';
import { decodeList, encodeMark, firedOfList, insertMark, isEvent, pruneBefore } from './timeline.js';
import type { Codec, Fired, Mark } from './types.js';

export interface PlaceMark extends Mark {
  lat: number;
  lon: number;
}

export interface TravelParams {
  readonly maxSpeedKmh: number;
  readonly minDistanceKm: number;
  readonly windowMs: number;
}

/** Enough for any burst of sign-ins within a window plus lateness that a user really produces. */
export const MAX_TRAVEL_MARKS = 16;

/** Alert fields a travel detection adds (tests[].expect.alerts may name them). */
export const TRAVEL_FIELDS = { distance: 'travel.distance_km', speed: 'travel.speed_kmh' } as const;

/** What a detection reports beside the two events: distance and speed of the hop. */
export interface Hop {
  readonly distanceKm: number;
  /** km/h; Infinity when both events share one instant. */
  readonly speedKmh: number;
}

function decodePlaceMark(x: unknown): PlaceMark | undefined {
  if (!Array.isArray(x) || x.length < 4 || x.length > 5) return undefined;
  const [t, id, lat, lon, s] = x as [unknown, unknown, unknown, unknown, unknown];
  if (typeof t !== 'number' || typeof id !== 'string' || typeof lat !== 'number' || typeof lon !== 'number') return undefined;
  if (s !== undefined && !isEvent(s)) return undefined;
  return { t, id, lat, lon, s };
}

export const travelCodec: Codec<PlaceMark[]> = {
  encode: (marks) =>
    marks.map((m) => {
      const base = encodeMark(m);
      base.splice(2, 0, m.lat, m.lon);
      return base;
    }),
  decode: (v) => decodeList(v, decodePlaceMark),
};

/** The hop from `a` to `b` when it is impossible under `p`, else undefined. */
export function impossibleHop(a: PlaceMark, b: PlaceMark, p: TravelParams): Hop | undefined {
  const ms = Math.abs(b.t - a.t);
  if (ms > p.windowMs) return undefined;
  const km = distanceKm(a as GeoPoint, b as GeoPoint);
  if (km < p.minDistanceKm || km === 0) return undefined;
  const speed = ms === 0 ? Infinity : km / (ms / 3_600_000);
  return speed > p.maxSpeedKmh ? { distanceKm: km, speedKmh: speed } : undefined;
}

export function travelAdd(marks: PlaceMark[], mark: PlaceMark, p: TravelParams, cutoff: number): (Fired & { hop: Hop }) | undefined {
  pruneBefore(marks, cutoff);
  const at = insertMark(marks, mark);
  const before = marks[at - 1];
  const after = marks[at + 1];
  let fired: (Fired & { hop: Hop }) | undefined;
  const hopIn = before && impossibleHop(before, mark, p);
  if (before && hopIn) fired = { ...firedOfList([before, mark]), hop: hopIn };
  else {
    const hopOut = after && impossibleHop(mark, after, p);
    if (after && hopOut) fired = { ...firedOfList([mark, after]), hop: hopOut };
  }
  if (marks.length > MAX_TRAVEL_MARKS) marks.splice(0, marks.length - MAX_TRAVEL_MARKS);
  return fired;
}
