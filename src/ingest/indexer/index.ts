export { createIndexer, type BulkStream, type Indexer, type IndexDoc, type IndexReport, type Rejection, type IndexerOptions } from './indexer.js';
export { createEsClient } from './client.js';
export { ensureDatasetIndex, ensureIndex, installDatasetTemplate, waitForCluster } from './setup.js';
export { classifyItem, classifyRequest, ItemVerdict, RequestVerdict } from './classify.js';
export { backoffDelay, sleep } from './backoff.js';
export { esProblem, credentialHint } from './diagnose.js';
export { ensureOpsIndex, opsIndexName, OPS_MAPPINGS } from './ops-index.js';
