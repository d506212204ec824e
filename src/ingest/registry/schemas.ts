/**
 * Writer schemas by id, fetched from the registry once and kept parsed (an
 * avsc Type per id): the per-record path only looks an id up.
 *
 * Before a batch of an Avro topic is decoded, `resolve` fetches every id the
 * batch names that is not known yet. A registry that cannot answer (down,
 * unreachable, 5xx, 401) pauses that batch: it is retried with backoff until
 * it answers or Sift stops, nothing is dead-lettered and nothing committed,
 * `sift_ingest_registry_paused` is 1 and each retry logs one warning. Only a
 * definite answer decides a record's fate: a 404 (no such id) dead-letters the
 * records that name it (SIFT_DECODE_AVRO_UNKNOWN_SCHEMA).
 */
import type { RawRecord } from '../kafka/index.js';
import type { Logger, Metrics } from '../../telemetry/index.js';
import { backoffDelay, sleep } from '../indexer/index.js';
import { parseAvroSchema, readWireHeader, type AvroSchema, type AvroSchemaLookup } from '../decode/avro.js';
import type { DecodeLimits } from '../decode/json.js';
import { describeError } from '../../shared/index.js';
import type { RegistryClient } from './client.js';

export interface SchemaCache extends AvroSchemaLookup {
  /** Fetches the batch's unknown ids; resolves once each is known or known missing; rejects only when `signal` aborts. */
  resolve(records: readonly RawRecord[], signal: AbortSignal): Promise<void>;
}

export interface SchemaCacheDeps {
  readonly client: RegistryClient;
  readonly limits: DecodeLimits;
  readonly log: Logger;
  readonly metrics: Pick<Metrics, 'registryPaused' | 'registryRetries'>;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

export function createSchemaCache(deps: SchemaCacheDeps): SchemaCache {
  /** id → parsed schema, or null: the registry has none (or none Sift can decode with). */
  const known = new Map<number, AvroSchema | null>();
  /** Ids being fetched now, shared by the partitions that wait for them. */
  const pending = new Map<number, Promise<void>>();
  /** Ids whose last fetch failed: while any is, consumption waits (the paused gauge). */
  const failing = new Set<number>();
  const settled = (id: number): void => {
    if (failing.delete(id) && failing.size === 0) deps.metrics.registryPaused.set(0);
  };

  async function fetchOne(id: number, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const found = await deps.client.schemaById(id);
        if (!found.found) {
          deps.log.warn({ schemaId: id, registry: deps.client.describe, answer: found.message }, 'The schema registry has no schema with this id; its records go to the dead-letter topic.');
          known.set(id, null);
        } else if (found.schemaType !== 'AVRO') {
          deps.log.warn({ schemaId: id, schemaType: found.schemaType }, 'Schema is not an Avro schema; its records go to the dead-letter topic.');
          known.set(id, null);
        } else {
          try {
            known.set(id, parseAvroSchema(found.schema));
          } catch (err) {
            deps.log.warn({ schemaId: id, err: describeError(err) }, 'Avro schema from the registry does not parse; its records go to the dead-letter topic.');
            known.set(id, null);
          }
        }
        settled(id);
        return;
      } catch (err) {
        if (signal.aborted) {
          settled(id);
          throw err;
        }
        failing.add(id);
        deps.metrics.registryPaused.set(1);
        const delay = backoffDelay(attempt, deps.retryInitialMs, deps.retryMaxMs);
        deps.metrics.registryRetries.inc();
        deps.log.warn(
          { schemaId: id, registry: deps.client.describe, err: describeError(err), retryInMs: delay, attempt: attempt + 1 },
          'Schema registry unavailable; consumption of this partition pauses and retries (nothing is dead-lettered).',
        );
        await sleep(delay, signal);
      }
    }
  }

  async function fetchShared(id: number, signal: AbortSignal): Promise<void> {
    let p = pending.get(id);
    if (!p) {
      p = fetchOne(id, signal).finally(() => pending.delete(id));
      pending.set(id, p);
    }
    await p;
  }

  return {
    schemaOf: (id) => known.get(id),
    async resolve(records, signal) {
      let missing: Set<number> | undefined;
      for (const r of records) {
        const header = readWireHeader(r.value, deps.limits);
        if (header.ok && !known.has(header.schemaId)) (missing ??= new Set()).add(header.schemaId);
      }
      if (!missing) return;
      for (const id of missing) await fetchShared(id, signal);
    },
  };
}
