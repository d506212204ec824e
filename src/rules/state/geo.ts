/**
 * Geo points as ECS and Elasticsearch write a geo_point, and the great-circle
 * distance between two of them.
 */

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/** Mean Earth radius (km), as the haversine formula is usually given. */
export const EARTH_RADIUS_KM = 6371;

const valid = (lat: number, lon: number): GeoPoint | undefined =>
  Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : undefined;

/**
 * A geo_point value in the forms Elasticsearch accepts for it: an object
 * `{lat, lon}` (ECS, what Sift's normalizers write), an array `[lon, lat]`
 * (GeoJSON order) and a string `"lat,lon"`; anything else (geohash, WKT, out
 * of range) is no point.
 */
export function geoPointOf(v: unknown): GeoPoint | undefined {
  if (Array.isArray(v)) return v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' ? valid(v[1], v[0]) : undefined;
  if (typeof v === 'string') {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(v);
    return m === null ? undefined : valid(Number(m[1]), Number(m[2]));
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { lat, lon } = v as { lat?: unknown; lon?: unknown };
  return typeof lat === 'number' && typeof lon === 'number' ? valid(lat, lon) : undefined;
}

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
