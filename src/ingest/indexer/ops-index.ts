/**
 * The pipeline-health index `<prefix>-<namespace>` (elasticsearch.ops_index):
 * one document per dataset per delivered batch (events indexed, ingest lag)
 * and one per dead-letter reason (src/pipeline/ops.ts builds them). Best
 * effort: the dead-letter topic stays the record of truth. The mapping is
 * explicit and closed, so the Kibana panels on it (src/kibana) aggregate on
 * the types they were checked against, whatever a document carries.
 */
import type { Client } from '@elastic/elasticsearch';
import { ensureIndex } from './setup.js';

export function opsIndexName(prefix: string, namespace: string): string {
  return `${prefix}-${namespace}`;
}

export const OPS_MAPPINGS = {
  dynamic: false,
  properties: {
    '@timestamp': { type: 'date' },
    event: { properties: { dataset: { type: 'keyword' } } },
    error: { properties: { code: { type: 'keyword' } } },
    sift: {
      properties: {
        ops: {
          properties: {
            kind: { type: 'keyword' },
            stage: { type: 'keyword' },
            topic: { type: 'keyword' },
            partition: { type: 'long' },
            events: { type: 'long' },
            count: { type: 'long' },
            lag_ms: { type: 'long' },
          },
        },
      },
    },
  },
} as const;

/** Creates the index with its mapping unless it exists. */
export function ensureOpsIndex(client: Client, index: string): Promise<void> {
  return ensureIndex(client, index, OPS_MAPPINGS);
}
