export { decodeJson, decodeRecord, nestingExceeds, parseJsonExact, type DecodeResult, type Decoded, type DecodedValue, type DecodeLimits } from './json.js';
