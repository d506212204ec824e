/**
 * Issue 16: the Confluent wire format and the Avro decode errors, on bytes
 * written by hand (Avro binary: zigzag varints, length-prefixed strings,
 * union branch index before the value). The expected values are written out
 * here, never computed by the decoder.
 */
import { describe, expect, it } from 'vitest';
import { OKTA_AVRO_SCHEMA_V1, OKTA_AVRO_SCHEMA_V2 } from '../../src/generate/index.js';
import { decodeAvroRecord, frameWire, parseAvroSchema, readWireHeader, type AvroSchema, type RawRecord } from '../../src/ingest/index.js';
import { planSource, prepareBatch } from '../../src/pipeline/index.js';

const limits = { maxBytes: 1 << 20, maxDepth: 64 };

/** {name: string, n: long, tag: ["null", "string"]} */
const SMALL = parseAvroSchema({
  type: 'record',
  name: 'Small',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'n', type: 'long' },
    { name: 'tag', type: ['null', 'string'] },
  ],
});
const WITH_BYTES = parseAvroSchema({ type: 'record', name: 'Blob', fields: [{ name: 'data', type: 'bytes' }, { name: 'sum', type: { type: 'fixed', name: 'Sum', size: 2 } }] });

const lookup = (byId: Record<number, AvroSchema | null>) => ({ schemaOf: (id: number) => byId[id] });
const wire = (...bytes: number[]) => Buffer.from(bytes);
// 'ab' = 0x04 'a' 'b'; long 1 = 0x02; union branch 1 = 0x02, then 'x' = 0x02 0x78
const SMALL_BODY = [0x04, 0x61, 0x62, 0x02, 0x02, 0x02, 0x78];

describe('wire format header', () => {
  it('reads the big-endian schema id after the magic byte', () => {
    expect(readWireHeader(wire(0, 0, 0, 0, 7), limits)).toEqual({ ok: true, schemaId: 7 });
    expect(readWireHeader(wire(0, 0, 0, 1, 0, 0x99), limits)).toEqual({ ok: true, schemaId: 256 });
    expect(readWireHeader(wire(0, 0x80, 0, 0, 1), limits)).toEqual({ ok: true, schemaId: 2147483649 });
  });

  it('refuses a wrong magic byte, a record too short, an empty or too large one, each with its code', () => {
    expect(readWireHeader(Buffer.from('{"uuid":"x"}'), limits)).toMatchObject({ ok: false, code: 'SIFT_DECODE_AVRO_MAGIC' });
    expect(readWireHeader(wire(1, 0, 0, 0, 7, 0x02), limits)).toMatchObject({ ok: false, code: 'SIFT_DECODE_AVRO_MAGIC' });
    expect(readWireHeader(wire(0), limits)).toMatchObject({ ok: false, code: 'SIFT_DECODE_AVRO_TOO_SHORT' });
    expect(readWireHeader(wire(0, 0, 0, 7), limits)).toMatchObject({ ok: false, code: 'SIFT_DECODE_AVRO_TOO_SHORT' });
    expect(readWireHeader(null, limits)).toMatchObject({ ok: false, code: 'SIFT_DECODE_EMPTY' });
    expect(readWireHeader(Buffer.alloc(0), limits)).toMatchObject({ ok: false, code: 'SIFT_DECODE_EMPTY' });
    expect(readWireHeader(Buffer.alloc(2000), { maxBytes: 1024, maxDepth: 64 })).toMatchObject({ ok: false, code: 'SIFT_DECODE_TOO_LARGE' });
  });

  it('frames a body behind magic 0 and the id', () => {
    expect([...frameWire(258, Buffer.from([0x02, 0x04]))]).toEqual([0, 0, 0, 1, 2, 0x02, 0x04]);
  });
});

describe('decodeAvroRecord', () => {
  const schemas = lookup({ 5: SMALL, 6: WITH_BYTES, 9: null });

  it('decodes a body with its writer schema into plain values (unions unwrapped)', () => {
    const out = decodeAvroRecord(wire(0, 0, 0, 0, 5, ...SMALL_BODY), limits, schemas);
    expect(Array.isArray(out)).toBe(true);
    const [v] = out as readonly { value: unknown; text: string }[];
    expect(v?.value).toEqual({ name: 'ab', n: 1, tag: 'x' });
    expect(Object.getPrototypeOf(v?.value)).toBe(Object.prototype);
    expect(v?.text).toBe('{"name":"ab","n":1,"tag":"x"}');
    // branch 0 of the union: null
    const nul = decodeAvroRecord(wire(0, 0, 0, 0, 5, 0x02, 0x7a, 0x01, 0x00), limits, schemas) as readonly { value: unknown }[];
    expect(nul[0]?.value).toEqual({ name: 'z', n: -1, tag: null });
  });

  it('keeps longs beyond 2^53 exact, as digits (as the JSON path does)', () => {
    const big = (...long: number[]) => (decodeAvroRecord(wire(0, 0, 0, 0, 5, 0x00, ...long, 0x00), limits, schemas) as readonly { value: { n: unknown } }[])[0]?.value.n;
    expect(big(0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20)).toBe('9007199254740993');
    expect(big(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).toBe('9223372036854775807');
    expect(big(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).toBe('-9223372036854775808');
    expect(big(0x80, 0x80, 0x80, 0x80, 0x10)).toBe(2147483648);
  });

  it('turns bytes and fixed into base64 text', () => {
    const out = decodeAvroRecord(wire(0, 0, 0, 0, 6, 0x06, 0x01, 0x02, 0xff, 0x68, 0x69), limits, schemas) as readonly { value: unknown }[];
    expect(out[0]?.value).toEqual({ data: 'AQL/', sum: 'aGk=' });
  });

  it('dead-letters a truncated body, trailing bytes and an impossible union branch as SIFT_DECODE_AVRO_BODY', () => {
    const truncated = decodeAvroRecord(wire(0, 0, 0, 0, 5, ...SMALL_BODY.slice(0, -1)), limits, schemas);
    expect(truncated).toMatchObject({ ok: false, code: 'SIFT_DECODE_AVRO_BODY', message: expect.stringContaining('truncated') });
    const trailing = decodeAvroRecord(wire(0, 0, 0, 0, 5, ...SMALL_BODY, 0x00, 0x00), limits, schemas);
    expect(trailing).toMatchObject({ ok: false, code: 'SIFT_DECODE_AVRO_BODY', message: expect.stringContaining('2 trailing bytes') });
    // union branch 3 of a two-branch union
    const branch = decodeAvroRecord(wire(0, 0, 0, 0, 5, 0x02, 0x61, 0x02, 0x06), limits, schemas);
    expect(branch).toMatchObject({ ok: false, code: 'SIFT_DECODE_AVRO_BODY' });
    // a header and no body at all
    expect(decodeAvroRecord(wire(0, 0, 0, 0, 5), limits, schemas)).toMatchObject({ ok: false, code: 'SIFT_DECODE_AVRO_BODY' });
  });

  it('dead-letters an id the registry does not have as SIFT_DECODE_AVRO_UNKNOWN_SCHEMA', () => {
    expect(decodeAvroRecord(wire(0, 0, 0, 0, 9, ...SMALL_BODY), limits, schemas)).toMatchObject({
      ok: false,
      code: 'SIFT_DECODE_AVRO_UNKNOWN_SCHEMA',
      message: 'the schema registry has no schema with id 9',
    });
  });
});

describe('an Avro Okta topic through prepareBatch', () => {
  const okta = planSource('okta', 'default');
  if (!okta) throw new Error('okta must have a plan');
  const v1 = parseAvroSchema(OKTA_AVRO_SCHEMA_V1);
  const v2 = parseAvroSchema(OKTA_AVRO_SCHEMA_V2);
  const plan = { ...okta, decode: (b: Uint8Array | null, l: typeof limits) => decodeAvroRecord(b, l, lookup({ 1: v1, 2: v2, 3: null })) };
  const event = {
    uuid: '0b8f2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
    published: '2026-03-01T10:00:00.000Z',
    eventType: 'user.session.start',
    version: '0',
    severity: 'INFO',
    displayMessage: 'User login to Okta',
    legacyEventType: null,
    actor: { id: '00u1', type: 'User', alternateId: 'ana@example.com', displayName: 'Ana', detailEntry: null },
    client: { userAgent: null, zone: null, device: 'Computer', id: null, ipAddress: '198.51.100.7', geographicalContext: null },
    outcome: { result: 'SUCCESS', reason: null },
    target: null,
    transaction: { type: 'WEB', id: 'tx1', detail: {} },
    debugContext: { debugData: { requestId: 'r1' } },
    request: { ipChain: [] },
  };
  const record = (value: Buffer, offset: number): RawRecord => ({ topic: 'sift.raw.okta.avro', partition: 0, offset: String(offset), timestamp: '1772359200000', key: null, value });

  it('indexes v1 and v2 records alike, and dead-letters the bad ones between them with their codes', () => {
    const typeV1 = v1.type;
    const typeV2 = v2.type;
    const records = [
      record(frameWire(1, typeV1.toBuffer(event)), 0),
      record(Buffer.from([0x7b, 0x7d]), 1),
      record(frameWire(2, typeV2.toBuffer({ ...event, uuid: 'b2', securityContext: { asNumber: 64500, asOrg: 'Example', isp: null, domain: null, isProxy: false }, authenticationContext: null })), 2),
      record(frameWire(3, typeV1.toBuffer(event)), 3),
      record(Buffer.from([0, 0, 0]), 4),
      record(frameWire(1, typeV1.toBuffer(event)).subarray(0, 30), 5),
    ];
    const out = prepareBatch(records, plan, { limits, keepOriginal: false });
    expect(out.docs.map((d) => d.index)).toEqual(['logs-okta.system-default', 'logs-okta.system-default']);
    expect(out.dead.map((d) => [d.record.offset, d.code, d.stage])).toEqual([
      ['1', 'SIFT_DECODE_AVRO_MAGIC', 'decode'],
      ['3', 'SIFT_DECODE_AVRO_UNKNOWN_SCHEMA', 'decode'],
      ['4', 'SIFT_DECODE_AVRO_TOO_SHORT', 'decode'],
      ['5', 'SIFT_DECODE_AVRO_BODY', 'decode'],
    ]);
    const first = JSON.parse(out.docs[0]?.source ?? '{}') as Record<string, Record<string, unknown>>;
    expect(first['@timestamp']).toBe('2026-03-01T10:00:00.000Z');
    expect(first.event?.action).toBe('user.session.start');
    expect(first.event?.outcome).toBe('success');
    expect(first.source?.ip).toBe('198.51.100.7');
    expect(first.user?.name).toBe('ana@example.com');
    const second = JSON.parse(out.docs[1]?.source ?? '{}') as Record<string, Record<string, Record<string, unknown>>>;
    // Only v2 has securityContext: the Okta normalizer puts its ASN on the client.
    expect(second.client?.as).toEqual({ number: 64500, organization: { name: 'Example' } });
    expect((first.client as Record<string, unknown> | undefined)?.as).toBeUndefined();
  });

  it('gives an Avro record the same document and _id as the same event in JSON', () => {
    const json = prepareBatch([record(Buffer.from(JSON.stringify(event)), 0)], okta, { limits, keepOriginal: false });
    const avro = prepareBatch([record(frameWire(1, v1.type.toBuffer(event)), 0)], plan, { limits, keepOriginal: false });
    expect(avro.docs).toHaveLength(1);
    expect(avro.docs[0]?.id).toBe(json.docs[0]?.id);
    expect(avro.docs[0]?.source).toBe(json.docs[0]?.source);
  });
});
