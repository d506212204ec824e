export { createIndexer, type Indexer, type IndexDoc, type IndexReport, type Rejection, type IndexerOptions } from './indexer.js';
export { ensureDatasetIndex, installDatasetTemplate, waitForCluster } from './setup.js';
export { classifyItem, classifyRequest, ItemVerdict, RequestVerdict } from './classify.js';
export { backoffDelay, sleep } from './backoff.js';
