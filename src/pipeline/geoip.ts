/**
 * `enrich.geoip` at setup: the databases are opened once (loadGeoIp caches
 * per process), an unusable file is a config issue naming its field, and the
 * hot path gets only the lookup (PrepareOptions.geoip).
 */
import { ConfigError, type ConfigIssue, type SiftConfig } from '../config/index.js';
import { loadGeoIp, type GeoIp, type GeoIpLoad } from '../ingest/index.js';

function load(config: SiftConfig): GeoIpLoad | undefined {
  const g = config.enrich.geoip;
  return g.enabled ? loadGeoIp({ cityDatabase: g.city_database, asnDatabase: g.asn_database }) : undefined;
}

/** What `sift config check` and `sift run` refuse: a database file that is missing, unreadable or of the wrong kind. */
export function geoIpIssues(config: SiftConfig): ConfigIssue[] {
  const loaded = load(config);
  return loaded && !loaded.ok ? loaded.issues.map((i) => ({ path: `enrich.geoip.${i.field}`, message: i.message })) : [];
}

/** The loaded databases, or undefined when enrichment is off; throws the ConfigError geoIpIssues describes. */
export function geoIpOf(config: SiftConfig): GeoIp | undefined {
  const loaded = load(config);
  if (loaded && !loaded.ok) throw new ConfigError('configuration', geoIpIssues(config));
  return loaded?.geoip;
}
