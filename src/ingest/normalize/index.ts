export { normalizerFor, normalizerDatasets } from './registry.js';
export { documentId, fallbackDocumentId } from './id.js';
export { normalizeOktaSystem } from './vendors/okta/system.js';
export type { Normalizer, NormalizeResult, Normalized, NormalizeOptions } from './result.js';
