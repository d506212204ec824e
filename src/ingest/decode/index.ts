export { decodeJson, nestingExceeds, type DecodeResult, type Decoded, type DecodeLimits } from './json.js';
