export { sourceFor, sourceVendors } from './registry.js';
export { documentId, fallbackDocumentId } from './id.js';
export { normalizeOktaSystem } from './vendors/okta/index.js';
export { single, type Source } from './source.js';
export { RECEIPT_TIME_TAG, type Normalizer, type NormalizeResult, type Normalized, type NormalizeOptions } from './result.js';
export { enrichUserAgent } from './enrich.js';
export { movedVendorKeys, type MovedKey } from './moved.js';
export { parseUserAgent, type ParsedUserAgent } from './user-agent.js';
export { isoFromIntegerMs, isoTimestamp } from './timestamp.js';
