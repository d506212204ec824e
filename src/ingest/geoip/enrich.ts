import type { EcsEvent, JsonObject } from '../../ecs/index.js';
import type { GeoIp } from './databases.js';

/**
 * The ECS address fields enriched, as Elastic's integrations for Sift's
 * vendors run the geoip processor: `source.ip` everywhere, `client.ip` where
 * the integration sets it (GitLab). Sift emits no `destination.ip` or
 * `server.ip` today (the audit logs it reads carry none).
 */
export const GEOIP_FIELDS = ['source', 'client'] as const;

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `<field>.ip` → `<field>.geo.*` and `<field>.as.*`, each only where the
 * normalizer did not set it: a vendor's own geolocation (Okta's
 * `client.geographicalContext`, GitHub's `actor_location`) is kept whole,
 * never mixed with the database's. Pure given the loaded databases.
 */
export function enrichGeoIp(event: EcsEvent, geoip: GeoIp): void {
  for (const field of GEOIP_FIELDS) {
    const target = event[field];
    if (!isObj(target) || typeof target['ip'] !== 'string') continue;
    const wantGeo = target['geo'] === undefined;
    const wantAs = target['as'] === undefined;
    if (!wantGeo && !wantAs) continue;
    const found = geoip.lookup(target['ip']);
    if (!found) continue;
    // Memoized results are shared between events: copy, never alias.
    if (wantGeo && found.geo) target['geo'] = found.geo.location ? { ...found.geo, location: { ...found.geo.location } } : { ...found.geo };
    if (wantAs && found.as) target['as'] = found.as.organization ? { number: found.as.number, organization: { ...found.as.organization } } : { number: found.as.number };
  }
}
