import { describe, expect, it } from 'vitest';
import { classifyField, compareDocument, readRecords, runConformance, sameValue, sourceForCase } from '../../src/conformance/index.js';
import { generateOkta } from '../../src/generate/index.js';
import { loadGeoIp } from '../../src/ingest/index.js';

describe('conformance comparison rules', () => {
  it('compares arrays as sets, and normalizes numbers and timestamps', () => {
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameValue(['a', 'b'], ['a'])).toBe(false);
    expect(sameValue(42, '42')).toBe(true);
    expect(sameValue('2021-11-11T01:02:03.123456789Z', '2021-11-11T01:02:03.123Z')).toBe(true);
    expect(sameValue('2021-11-11T01:02:03Z', '2021-11-11T01:02:04Z')).toBe(false);
    expect(sameValue('x', undefined)).toBe(false);
    expect(sameValue(['only'], 'only')).toBe(true);
  });

  it('ignores only the documented pipeline artifacts', () => {
    expect(classifyField('event.ingested', '2024-01-01T00:00:00Z', '{}')).toBe('ignored');
    expect(classifyField('ecs.version', '8.11.0', '{}')).toBe('ignored');
    expect(classifyField('tags', ['preserve_original_event'], '{}')).toBe('ignored');
    expect(classifyField('data_stream.dataset', 'x', '{}')).toBe('ignored');
    expect(classifyField('event.created', '2021-11-11T01:02:03.123456789Z', '{"eventTime":"2024"}')).toBe('ignored');
    expect(classifyField('event.created', '2024-05-05T00:00:00Z', '{"created":"2024-05-05T00:00:00Z"}')).toBe('counted');
    expect(classifyField('event.action', 'x', '{}')).toBe('counted');
  });

  it('separates GeoIP enrichment from vendor-sent geo data', () => {
    expect(classifyField('source.geo.city_name', 'Changchun', '{"ip":"175.16.199.1"}')).toBe('enrichment');
    expect(classifyField('client.geo.city_name', 'Dublin', '{"city":"Dublin"}')).toBe('counted');
    expect(classifyField('source.as.number', 701, '{"asNumber":701}')).toBe('counted');
  });

  it('counts every expected field of a document Sift did not produce as unmatched', () => {
    const fields = compareDocument({ event: { action: 'a', kind: 'event' }, ecs: { version: '8' } }, undefined, '{}');
    expect(fields.filter((f) => f.verdict === 'counted')).toHaveLength(2);
    expect(fields.every((f) => !f.matched)).toBe(true);
  });

  it('reads .log and .json inputs the way Elastic pipeline tests do', () => {
    expect(readRecords('test-a.log', '{"a":1}\n\n{"b":2}\n')).toEqual(['{"a":1}', '{"b":2}']);
    expect(readRecords('test-a.json', '{"events":[{"message":"{\\"a\\":1}"},{"zoom":{"event":"x"}}]}')).toEqual(['{"a":1}', '{"zoom":{"event":"x"}}']);
  });

  it('maps packages to Sift sources', () => {
    expect(sourceForCase('okta', 'system')).toBe('okta');
    expect(sourceForCase('aws', 'cloudtrail')).toBe('aws_cloudtrail');
    expect(sourceForCase('gcp', 'audit')).toBe('gcp_audit');
    expect(sourceForCase('google_workspace', 'login')).toBe('google_workspace');
    expect(sourceForCase('nginx', 'access')).toBeUndefined();
  });

  it('scores GeoIP/ASN enrichment apart, by kind, with the shipped databases', () => {
    const geo = loadGeoIp({ cityDatabase: '', asnDatabase: '' });
    if (!geo.ok) throw new Error('the shipped GeoIP databases must load');
    const raw = JSON.stringify({ uuid: 'g1', published: '2024-01-01T00:00:00.000Z', eventType: 'user.session.start', client: { ipAddress: '8.8.8.8' } });
    // Google's 8.8.8.8: United States, AS15169 (public facts); the city is deliberately wrong.
    const expected = { source: { ip: '8.8.8.8', geo: { country_iso_code: 'US', city_name: 'Nowhere' }, as: { number: 15169 } } };
    const report = runConformance([{ name: 'okta/system/test-geo.log', pkg: 'okta', dataStream: 'system', records: [raw], expected: [expected] }], 50, geo.geoip);
    expect(report.enrichment).toMatchObject({
      expected: 3,
      matched: 2,
      ratio: 0.6667,
      by_kind: { as_number: { expected: 1, matched: 1, ratio: 1 }, city: { expected: 1, matched: 0, ratio: 0 }, country: { expected: 1, matched: 1, ratio: 1 } },
    });
    // source.ip is in the input: counted in the main ratio, not the enrichment one.
    expect(report.overall).toEqual({ expected: 1, matched: 1, ratio: 1 });
  });

  it('scores a case end to end through the real hot path', () => {
    const [raw] = [...generateOkta({ count: 1, seed: 1, start: new Date('2026-01-01T00:00:00Z') })] as [string];
    const event = JSON.parse(raw) as { uuid: string; eventType: string; published: string };
    const report = runConformance([
      {
        name: 'okta/system/test-x.log',
        pkg: 'okta',
        dataStream: 'system',
        records: [raw],
        expected: [{ '@timestamp': event.published, event: { id: event.uuid, action: event.eventType, original: raw, ingested: 'x' }, okta: { uuid: 'wrong' } }],
      },
    ]);
    expect(report.overall).toEqual({ expected: 5, matched: 4, ratio: 0.8 });
    expect(report.mismatches).toEqual([expect.objectContaining({ field: 'okta.uuid', expected: 'wrong', actual: event.uuid })]);
  });
});
