export { sourceFor, sourceVendors } from './registry.js';
export { documentId, fallbackDocumentId } from './id.js';
export { normalizeOktaSystem } from './vendors/okta/index.js';
export { single, type Source } from './source.js';
export type { Normalizer, NormalizeResult, Normalized, NormalizeOptions } from './result.js';
