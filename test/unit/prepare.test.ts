import { describe, expect, it } from 'vitest';
import { generateOkta } from '../../src/generate/index.js';
import { documentId, loadGeoIp, type RawRecord } from '../../src/ingest/index.js';
import { deadLetterValue, planSource, prepareBatch } from '../../src/pipeline/index.js';

const plan = planSource('okta', 'default');
if (!plan) throw new Error('okta must have a plan');
const opts = { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false };

const record = (value: Buffer | null, offset = 0): RawRecord => ({
  topic: 'sift.raw.okta',
  partition: 0,
  offset: String(offset),
  timestamp: '0',
  key: null,
  value,
});

describe('prepareBatch', () => {
  it('turns every record into exactly one document or one dead letter', () => {
    const good = [...generateOkta({ count: 50, seed: 3, start: new Date('2026-01-01T00:00:00Z') })];
    const bad = ['', 'not json', '{"uuid":"x"}', '{"published":"nope","uuid":"y"}', '[1,2]', '{"a":'];
    const records = [...good, ...bad].map((t, i) => record(Buffer.from(t), i));
    records.push(record(null, 999), record(Buffer.from([0xff, 0xfe, 0x7b]), 1000));
    const out = prepareBatch(records, plan, opts);
    // '[1,2]' is an array of two events, each of which is not an Okta object.
    expect(out.docs.length + out.dead.length).toBe(records.length + 1);
    expect(out.docs).toHaveLength(50);
    const seen = new Set([...out.origins.map((o) => o.record), ...out.dead.map((d) => d.record)]);
    expect(seen.size).toBe(records.length);
    expect(out.dead.map((d) => d.code).sort()).toEqual(
      [
        'SIFT_DECODE_EMPTY',
        'SIFT_DECODE_EMPTY',
        'SIFT_DECODE_NOT_JSON',
        'SIFT_DECODE_NOT_JSON',
        'SIFT_DECODE_NOT_UTF8',
        'SIFT_NORMALIZE_BAD_TIMESTAMP',
        'SIFT_NORMALIZE_NOT_OBJECT',
        'SIFT_NORMALIZE_NOT_OBJECT',
        'SIFT_NORMALIZE_NO_TIMESTAMP',
      ].sort(),
    );
  });

  it('derives a deterministic _id from the dataset and the Okta uuid', () => {
    const text = [...generateOkta({ count: 1, seed: 9, start: new Date('2026-01-01T00:00:00Z') })][0] as string;
    const uuid = (JSON.parse(text) as { uuid: string }).uuid;
    const a = prepareBatch([record(Buffer.from(text))], plan, opts);
    const b = prepareBatch([record(Buffer.from(text), 77)], plan, opts);
    expect(a.docs[0]?.id).toBe(documentId('okta.system', uuid));
    expect(a.docs[0]?.id).toBe(b.docs[0]?.id);
    expect(documentId('okta.system', uuid)).not.toBe(documentId('aws.cloudtrail', uuid));
    expect(a.docs[0]?.id).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(a.docs[0]?.index).toBe('logs-okta.system-default');
  });

  it('falls back to a hash of the raw bytes when the vendor id is missing', () => {
    const noUuid = Buffer.from('{"published":"2026-01-01T00:00:00Z","eventType":"user.session.start"}');
    const a = prepareBatch([record(noUuid)], plan, opts);
    const b = prepareBatch([record(Buffer.from(noUuid))], plan, opts);
    expect(a.docs[0]?.id).toBeDefined();
    expect(a.docs[0]?.id).toBe(b.docs[0]?.id);
  });

  it('keeps event.original only when configured', () => {
    const text = [...generateOkta({ count: 1, seed: 2, start: new Date('2026-01-01T00:00:00Z') })][0] as string;
    const without = prepareBatch([record(Buffer.from(text))], plan, opts);
    const withOriginal = prepareBatch([record(Buffer.from(text))], plan, { ...opts, keepOriginal: true });
    expect(JSON.parse(without.docs[0]?.source ?? '{}').event.original).toBeUndefined();
    expect(JSON.parse(withOriginal.docs[0]?.source ?? '{}').event.original).toBe(text);
  });
});

describe('dead-letter records', () => {
  it('carry the original bytes, the origin, the stage and the reason', () => {
    const bytes = Buffer.from([0xc3, 0x28, 0x00, 0x7b]);
    const v = deadLetterValue({
      record: { ...record(bytes, 42), partition: 2, key: Buffer.from('k') },
      vendor: 'okta',
      dataset: 'okta.system',
      stage: 'decode',
      code: 'SIFT_DECODE_NOT_UTF8',
      message: 'record is not valid UTF-8',
    });
    expect(v.reason).toEqual({ code: 'SIFT_DECODE_NOT_UTF8', stage: 'decode', message: 'record is not valid UTF-8' });
    expect(v.source).toMatchObject({ topic: 'sift.raw.okta', partition: 2, offset: '42', key_base64: 'aw==' });
    expect(Buffer.from(v.original_base64 ?? '', 'base64')).toEqual(bytes);
  });
});

describe('generator', () => {
  it('is deterministic for a seed and start time', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    expect([...generateOkta({ count: 200, seed: 5, start })]).toEqual([...generateOkta({ count: 200, seed: 5, start })]);
    expect([...generateOkta({ count: 50, seed: 5, start })]).not.toEqual([...generateOkta({ count: 50, seed: 6, start })]);
  });

  it('produces suspicious patterns and unique uuids', () => {
    const events = [...generateOkta({ count: 5000, seed: 11, start: new Date('2026-01-01T00:00:00Z') })].map((t) => JSON.parse(t) as { uuid: string; eventType: string; outcome: { result: string } });
    expect(new Set(events.map((e) => e.uuid)).size).toBe(events.length);
    expect(events.some((e) => e.eventType === 'user.account.privilege.grant')).toBe(true);
    expect(events.filter((e) => e.outcome.result === 'FAILURE').length).toBeGreaterThan(100);
  });
});

describe('shared enrichment', () => {
  it('parses user_agent.original into name, version, os and device for every source', () => {
    const text = JSON.stringify({
      uuid: 'ua-1',
      published: '2026-01-01T00:00:00.000Z',
      eventType: 'user.session.start',
      client: { userAgent: { rawUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:72.0) Gecko/20100101 Firefox/72.0' } },
    });
    const out = prepareBatch([record(Buffer.from(text))], plan, opts);
    expect(JSON.parse(out.docs[0]?.source ?? '{}').user_agent).toEqual({
      original: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:72.0) Gecko/20100101 Firefox/72.0',
      name: 'Firefox',
      version: '72.0',
      os: { name: 'Mac OS X', version: '10.15', full: 'Mac OS X 10.15' },
      device: { name: 'Mac' },
    });
  });
});

describe('GeoIP/ASN enrichment', () => {
  const geo = loadGeoIp({ cityDatabase: '', asnDatabase: '' });
  if (!geo.ok) throw new Error('the shipped GeoIP databases must load');
  // An Okta sign-in from Google's 8.8.8.8 (AS15169, United States), with
  // Okta's own geolocation of the client, which must be kept as sent.
  const text = JSON.stringify({
    uuid: 'geo-1',
    published: '2026-01-01T00:00:00.000Z',
    eventType: 'user.session.start',
    client: { ipAddress: '8.8.8.8', geographicalContext: { city: 'Dublin', state: 'California', country: 'United States', geolocation: { lat: 37.7201, lon: -121.919 } } },
  });

  it('adds source.geo and source.as before detection, and keeps the vendor\'s client.geo', () => {
    const out = prepareBatch([record(Buffer.from(text))], plan, { ...opts, geoip: geo.geoip });
    const doc = JSON.parse(out.docs[0]?.source ?? '{}') as { source?: { geo?: unknown; as?: unknown }; client?: { geo?: unknown; as?: unknown } };
    expect(doc.source?.as).toMatchObject({ number: 15169 });
    expect(doc.source?.geo).toMatchObject({ country_iso_code: 'US', country_name: 'United States', continent_name: 'North America' });
    expect(doc.client?.geo).toEqual({ city_name: 'Dublin', region_name: 'California', country_name: 'United States', location: { lat: 37.7201, lon: -121.919 } });
    expect(doc.client?.as).toMatchObject({ number: 15169 });
    // Detection sees the same event.
    expect((out.origins[0]?.event as unknown as { source: { as: unknown } }).source.as).toMatchObject({ number: 15169 });
  });

  it('adds nothing when enrichment is off', () => {
    const doc = JSON.parse(prepareBatch([record(Buffer.from(text))], plan, opts).docs[0]?.source ?? '{}') as { source?: Record<string, unknown> };
    expect(doc.source?.['geo']).toBeUndefined();
    expect(doc.source?.['as']).toBeUndefined();
  });
});

describe('unknown shapes', () => {
  it('dead-letters another vendor\'s record on an Okta topic as an unknown source', () => {
    const cloudtrail = '{"eventVersion":"1.08","eventID":"e1","eventTime":"2024-01-01T00:00:00Z","eventName":"ConsoleLogin"}';
    const out = prepareBatch([record(Buffer.from(cloudtrail))], plan, opts);
    expect(out.docs).toHaveLength(0);
    expect(out.dead).toEqual([expect.objectContaining({ stage: 'decode', code: 'SIFT_DECODE_UNKNOWN_SOURCE', eventIndex: 0 })]);
  });
});
