/**
 * Avro records in the Confluent wire format (docs/avro.md):
 *
 *   byte 0      magic, always 0
 *   bytes 1-4   the writer schema's id in the registry, big-endian
 *   bytes 5-    the Avro binary encoding of one value with that schema
 *
 * Pure: the writer schemas are fetched and parsed beforehand (the registry's
 * schema cache, src/ingest/registry) and handed in by id. Decoded values are
 * plain JavaScript values shaped as the JSON path's: unions unwrapped, records
 * as plain objects, longs beyond 2^53 as strings of their digits (as
 * parseJsonExact keeps them), bytes and fixed as base64 text.
 */
import avro from 'avsc';
import { ErrorCode, failure, type Failure } from '../../shared/index.js';
import type { DecodeLimits, DecodedValue } from './json.js';

export const WIRE_MAGIC = 0;
export const WIRE_HEADER_BYTES = 5;

export interface WireHeader {
  readonly ok: true;
  readonly schemaId: number;
}

/** The schema id of a record in the wire format, or why it is not one. */
export function readWireHeader(bytes: Uint8Array | null, limits: DecodeLimits): WireHeader | Failure {
  if (bytes === null || bytes.length === 0) return failure(ErrorCode.DecodeEmpty, 'record has no value');
  if (bytes.length > limits.maxBytes) {
    return failure(ErrorCode.DecodeTooLarge, `record is ${bytes.length} bytes, over pipeline.max_record_bytes (${limits.maxBytes})`);
  }
  if (bytes[0] !== WIRE_MAGIC) {
    return failure(ErrorCode.DecodeAvroMagic, `record starts with byte ${bytes[0]}, not the Confluent wire format's magic byte 0`);
  }
  if (bytes.length < WIRE_HEADER_BYTES) {
    return failure(ErrorCode.DecodeAvroTooShort, `record is ${bytes.length} bytes, shorter than the 5-byte wire format header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { ok: true, schemaId: view.getUint32(1, false) };
}

/** Prepends the wire format header to an Avro body. */
export function frameWire(schemaId: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(WIRE_HEADER_BYTES + body.length);
  out[0] = WIRE_MAGIC;
  out.writeUInt32BE(schemaId, 1);
  out.set(body, WIRE_HEADER_BYTES);
  return out;
}

/**
 * A long as Sift's JSON path keeps integers: a number when it is exact, else
 * the decimal digits (Elasticsearch indexes those into long fields unchanged).
 * Reads and writes avsc's 8-byte little-endian two's complement form.
 */
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer): number | string => {
    const n = buf.readBigInt64LE(0);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
  },
  toBuffer: (value: number | string | bigint): Buffer => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(value));
    return buf;
  },
  fromJSON: (value: number | string): number | string => value,
  toJSON: (value: number | string): number | string => value,
  isValid: (value: unknown): boolean =>
    (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) || typeof value === 'bigint',
  compare: (a: number | string, b: number | string): number => {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
});

/** A parsed writer schema, ready to decode with. */
export interface AvroSchema {
  readonly type: avro.Type;
  /** The schema has bytes or fixed somewhere: decoded values need their Buffers turned into text. */
  readonly binary: boolean;
}

/**
 * Parses a schema as Sift decodes it: unions never wrapped (a value is the
 * branch's plain value, not `{"string": "x"}`), no methods on records, exact
 * longs. Throws on a schema avsc cannot parse (the caller says which id).
 */
export function parseAvroSchema(schema: string | object): AvroSchema {
  const parsed: unknown = typeof schema === 'string' ? JSON.parse(schema) : schema;
  const type = avro.Type.forSchema(parsed as avro.Schema, { wrapUnions: 'never', omitRecordMethods: true, registry: { long: exactLong } });
  const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
  return { type, binary: /"(bytes|fixed)"/.test(text) };
}

/** Records as plain objects (avsc builds class instances) and Buffers as base64 text: the JSON path's shapes. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v);
  return out;
}

/** Records only, shallowly: what a schema without bytes needs (nested records stay avsc's, which read alike). */
function plainRecord(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return { ...value };
}

/**
 * A decoded value with its text computed only when asked for: the text is
 * what event.original keeps and what a fallback _id hashes, and most events
 * (those with a vendor id, keep_original off) never need it. A class rather
 * than a closure per record: one less allocation on the hot path.
 */
class AvroValue implements DecodedValue {
  readonly ok = true;
  readonly value: unknown;
  private cached: string | undefined;
  constructor(value: unknown) {
    this.value = value;
  }
  get text(): string {
    this.cached ??= JSON.stringify(this.value);
    return this.cached;
  }
}

/** The body after the header → one value, or why it does not match its schema. */
export function decodeAvroBody(schema: AvroSchema, schemaId: number, bytes: Uint8Array): DecodedValue | Failure {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let decoded: { value: unknown; offset: number };
  try {
    decoded = schema.type.decode(buf, WIRE_HEADER_BYTES) as { value: unknown; offset: number };
  } catch (err) {
    // avsc throws on an impossible union branch, a bad enum index, a negative length, …
    return failure(ErrorCode.DecodeAvroBody, `Avro body does not match schema ${schemaId}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (decoded.offset < 0) return failure(ErrorCode.DecodeAvroBody, `Avro body is truncated for schema ${schemaId}`);
  if (decoded.offset !== buf.length) {
    return failure(ErrorCode.DecodeAvroBody, `Avro body has ${buf.length - decoded.offset} trailing bytes after a value of schema ${schemaId}`);
  }
  return new AvroValue(schema.binary ? plain(decoded.value) : plainRecord(decoded.value));
}

/** Writer schemas by id, as the registry's cache holds them. */
export interface AvroSchemaLookup {
  /** The parsed schema, `null` when the registry has no such id, `undefined` when it was never asked (a Sift bug). */
  schemaOf(id: number): AvroSchema | null | undefined;
}

/**
 * One Avro record → its one value, with the same result shape as the JSON
 * path's decodeRecord (a list of one), so prepare treats both alike.
 */
export function decodeAvroRecord(bytes: Uint8Array | null, limits: DecodeLimits, schemas: AvroSchemaLookup): readonly DecodedValue[] | Failure {
  const header = readWireHeader(bytes, limits);
  if (!header.ok) return header;
  const schema = schemas.schemaOf(header.schemaId);
  if (schema === null) {
    return failure(ErrorCode.DecodeAvroUnknownSchema, `the schema registry has no schema with id ${header.schemaId}`);
  }
  if (schema === undefined) return failure(ErrorCode.Internal, `schema id ${header.schemaId} was not resolved before decode`);
  const value = decodeAvroBody(schema, header.schemaId, bytes as Uint8Array);
  return value.ok ? [value] : value;
}
