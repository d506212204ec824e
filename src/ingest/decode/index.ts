export { decodeAvroBody, decodeAvroRecord, frameWire, parseAvroSchema, readWireHeader, WIRE_HEADER_BYTES, type AvroSchema, type AvroSchemaLookup } from './avro.js';
export { decodeJson, decodeRecord, nestingExceeds, parseJsonExact, type DecodeResult, type Decoded, type DecodedValue, type DecodeLimits } from './json.js';
