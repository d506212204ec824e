export { publicAddress, parseIpv4, parseIpv6, type PublicAddress } from './address.js';
export { countryInfo } from './countries.js';
export { createGeoIp, geoOf, loadGeoIp, openGeoIp, type AsFields, type GeoFields, type GeoIp, type GeoIpDatabases, type GeoIpIssue, type GeoIpLoad, type GeoIpResult, type GeoIpSettings } from './databases.js';
export { enrichGeoIp, GEOIP_FIELDS } from './enrich.js';
