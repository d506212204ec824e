import type { Client } from '@elastic/elasticsearch';
import { ErrorCode, SiftError } from '../../shared/index.js';
import type { Logger, Metrics } from '../../telemetry/index.js';
import { createAliasGate } from './alias.js';
import { backoffDelay, sleep } from './backoff.js';
import { classifyItem, classifyRequest, itemReason, ItemVerdict, RequestVerdict, type BulkItemResult } from './classify.js';

/** One serialized document on its way to ES. `source` is already JSON. */
export interface IndexDoc {
  readonly index: string;
  readonly id: string;
  readonly source: string;
}

export interface Rejection {
  /** Position of the document in the array passed to `index()`. */
  readonly position: number;
  readonly status: number;
  readonly reason: string;
}

/** Every document ends in exactly one of the two: indexed, or rejected (→ DLQ). */
export interface IndexReport {
  readonly indexed: number;
  readonly rejected: readonly Rejection[];
}

export interface Indexer {
  /**
   * Indexes every document or reports it rejected. Retryable failures (429,
   * 5xx, unreachable) are retried with backoff until they succeed or `signal`
   * aborts, in which case it throws and nothing may be committed.
   */
  index(docs: readonly IndexDoc[], signal: AbortSignal): Promise<IndexReport>;
}

export interface IndexerOptions {
  client: Client;
  metrics: Metrics;
  log: Logger;
  bulkMaxBytes: number;
  bulkMaxDocs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /**
   * Dataset write aliases (→ their first backing index) created on their
   * first document, before any bulk reaches them. Targets not listed (the
   * alerts index) are written as they are.
   */
  aliases?: ReadonlyMap<string, string>;
}

interface Pending {
  readonly position: number;
  readonly line: string;
}

interface BulkResponse {
  errors?: boolean;
  items?: Record<string, BulkItemResult>[];
}

const TLS_ERROR = /certificate|self[- ]signed|SSL|TLS|handshake/i;

function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'meta' in err) {
    const meta = (err as { meta?: { statusCode?: unknown } }).meta;
    // A timeout or reset reaches us as status 0: no answer, which is retryable, not a refusal.
    if (typeof meta?.statusCode === 'number' && meta.statusCode > 0) return meta.statusCode;
  }
  return undefined;
}

export function createIndexer(opts: IndexerOptions): Indexer {
  const { client, metrics, log } = opts;
  const gate = opts.aliases ? createAliasGate({ client, log, aliases: opts.aliases, retryInitialMs: opts.retryInitialMs, retryMaxMs: opts.retryMaxMs }) : undefined;

  function chunk(lines: Pending[]): Pending[][] {
    const chunks: Pending[][] = [];
    let current: Pending[] = [];
    let bytes = 0;
    for (const p of lines) {
      const size = Buffer.byteLength(p.line);
      if (current.length > 0 && (bytes + size > opts.bulkMaxBytes || current.length >= opts.bulkMaxDocs)) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push(p);
      bytes += size;
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  }

  async function send(todo: Pending[], rejected: Rejection[], signal: AbortSignal): Promise<number> {
    let indexed = 0;
    let attempt = 0;
    while (todo.length > 0) {
      const started = process.hrtime.bigint();
      let response: BulkResponse;
      try {
        response = (await client.transport.request(
          {
            method: 'POST',
            path: '/_bulk',
            bulkBody: todo.map((p) => p.line).join(''),
            querystring: { filter_path: 'errors,items.*.status,items.*.error' },
          },
          { maxRetries: 0, signal },
        )) as BulkResponse;
        metrics.bulkDuration.observe({ outcome: 'ok' }, Number(process.hrtime.bigint() - started) / 1e9);
        metrics.paused.set(0);
      } catch (err) {
        metrics.bulkDuration.observe({ outcome: 'error' }, Number(process.hrtime.bigint() - started) / 1e9);
        if (signal.aborted) throw err;
        const status = statusOf(err);
        const message = err instanceof Error ? err.message : String(err);
        const verdict = status === undefined && TLS_ERROR.test(message) ? RequestVerdict.Fatal : classifyRequest(status);
        if (verdict === RequestVerdict.Fatal) {
          const code = status === 401 || status === 403 ? ErrorCode.IndexUnauthorized : ErrorCode.IndexRejected;
          throw new SiftError(code, `Elasticsearch refused the bulk request (${status ?? 'no response'}): ${message}`, { stage: 'index', cause: err });
        }
        if (verdict === RequestVerdict.Split) {
          if (todo.length === 1) {
            const only = todo[0] as Pending;
            rejected.push({ position: only.position, status: 413, reason: 'document larger than the cluster accepts (413)' });
            return indexed;
          }
          const half = Math.ceil(todo.length / 2);
          indexed += await send(todo.slice(0, half), rejected, signal);
          indexed += await send(todo.slice(half), rejected, signal);
          return indexed;
        }
        metrics.bulkRetries.inc({ reason: status === undefined ? 'unavailable' : String(status) });
        // The handler holds this batch until ES takes it, so the consumer fetches nothing new meanwhile.
        metrics.paused.set(1);
        const delay = backoffDelay(attempt++, opts.retryInitialMs, opts.retryMaxMs);
        log.warn({ status, attempt, delayMs: delay, docs: todo.length, err: message }, 'Bulk request failed; retrying.');
        await sleep(delay, signal);
        continue;
      }

      const items = response.items ?? [];
      if (items.length !== todo.length) {
        throw new SiftError(ErrorCode.IndexRejected, `bulk response has ${items.length} items for ${todo.length} documents`, { stage: 'index' });
      }
      const retry: Pending[] = [];
      for (let i = 0; i < items.length; i++) {
        const entry = items[i] as Record<string, BulkItemResult>;
        const result = entry['index'] ?? entry['create'] ?? ({ status: 0 } as BulkItemResult);
        const doc = todo[i] as Pending;
        const verdict = classifyItem(result);
        if (verdict === ItemVerdict.Indexed) indexed++;
        else if (verdict === ItemVerdict.Retry) retry.push(doc);
        else rejected.push({ position: doc.position, status: result.status, reason: itemReason(result) });
      }
      if (retry.length > 0) {
        metrics.bulkRetries.inc({ reason: 'item' }, retry.length);
        const delay = backoffDelay(attempt++, opts.retryInitialMs, opts.retryMaxMs);
        log.warn({ items: retry.length, attempt, delayMs: delay }, 'Bulk items were throttled or failed transiently; retrying them.');
        await sleep(delay, signal);
      }
      todo = retry;
    }
    return indexed;
  }

  return {
    async index(docs, signal) {
      await gate?.ready(docs, signal);
      const lines: Pending[] = docs.map((d, position) => ({
        position,
        // The action line is built from ids Sift made (base64url) and index
        // names from validated config, so plain concatenation is safe.
        line: `{"index":{"_index":${JSON.stringify(d.index)},"_id":${JSON.stringify(d.id)}}}\n${d.source}\n`,
      }));
      const rejected: Rejection[] = [];
      let indexed = 0;
      for (const c of chunk(lines)) indexed += await send(c, rejected, signal);
      return { indexed, rejected };
    },
  };
}
