/**
 * Writes the pipeline-health documents (ops.ts) best effort: one bulk
 * request per delivered batch, never awaited by the batch, whose commit does
 * not wait for it. A failed or dropped write is counted in
 * sift_ops_docs_failed_total and logged once per outage, never retried: the
 * dead-letter topic and the event indices are the records of truth. At most
 * MAX_IN_FLIGHT requests are pending; past that (Elasticsearch slow or
 * down) a batch's documents are dropped and counted rather than queued.
 */
import type { Client } from '@elastic/elasticsearch';
import { ensureOpsIndex } from '../ingest/index.js';
import { describeError } from '../shared/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';
import type { OpsDoc } from './ops.js';

const MAX_IN_FLIGHT = 4;

export interface OpsWriter {
  /** Creates the index if missing; a failure is logged and tried again before the next write. */
  ensure(): Promise<void>;
  /** Sends the documents in the background; returns at once. */
  write(docs: readonly OpsDoc[]): void;
  /** Waits for the writes in flight, up to `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
}

export function createOpsWriter(deps: { client: Client; index: string; log: Logger; metrics: Metrics }): OpsWriter {
  const { client, index, log, metrics } = deps;
  const pending = new Set<Promise<void>>();
  let ready = false;
  let failing = false;

  function failed(count: number, err: unknown): void {
    metrics.opsFailed.inc(count);
    if (!failing) log.warn({ index, err: describeError(err) }, 'Could not write the pipeline-health index; counting the losses in sift_ops_docs_failed_total until it works again.');
    failing = true;
  }

  async function ensure(): Promise<void> {
    if (ready) return;
    await ensureOpsIndex(client, index);
    ready = true;
  }

  async function send(docs: readonly OpsDoc[]): Promise<void> {
    try {
      await ensure();
      const operations = docs.flatMap((d) => [{ index: { _index: index, _id: d.id } }, d.source]);
      const res = await client.bulk({ operations });
      const refused = res.errors ? res.items.filter((item) => item.index?.error !== undefined) : [];
      if (refused.length > 0) {
        failed(refused.length, refused[0]?.index?.error?.reason ?? 'a document was refused');
        return;
      }
      if (failing) log.info({ index }, 'Writing the pipeline-health index again.');
      failing = false;
    } catch (err) {
      failed(docs.length, err);
    }
  }

  return {
    async ensure() {
      try {
        await ensure();
      } catch (err) {
        log.warn({ index, err: describeError(err) }, 'Could not create the pipeline-health index; trying again at the next batch.');
      }
    },
    write(docs) {
      if (docs.length === 0) return;
      if (pending.size >= MAX_IN_FLIGHT) {
        failed(docs.length, new Error(`${MAX_IN_FLIGHT} writes already in flight`));
        return;
      }
      const p = send(docs).finally(() => pending.delete(p));
      pending.add(p);
    },
    async flush(timeoutMs) {
      if (pending.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.allSettled([...pending]), deadline]);
      clearTimeout(timer);
    },
  };
}
