import { errors, type Client } from '@elastic/elasticsearch';
import { ErrorCode, SiftError } from '../../shared/index.js';
import type { Logger, Metrics } from '../../telemetry/index.js';
import { createAliasGate } from './alias.js';
import { backoffDelay, sleep } from './backoff.js';
import { BodyBuilder, bodyOf, type BodyChunk, type BodyLine } from './body.js';
import { classifyItem, classifyRequest, itemReason, ItemVerdict, rejectionCode, RequestVerdict, type BulkItemResult } from './classify.js';

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
  /** The dead-letter code, from ES's status and error type (docs/dead-letter.md). */
  readonly code: ErrorCode;
  readonly reason: string;
}

/**
 * Every document ends in exactly one of the two: indexed, or rejected (→ DLQ).
 * Only a refusal of the document itself is a rejection; a refusal of the
 * target (credentials, privileges, missing or closed index) throws, and a
 * block is waited out, so neither is ever committed past.
 */
export interface IndexReport {
  readonly indexed: number;
  readonly rejected: readonly Rejection[];
}

/**
 * One batch's documents, written as they are prepared: each full bulk request
 * goes out while the caller prepares the next documents, one request in
 * flight at a time and in order. Nothing is acknowledged until `finish()`.
 */
export interface BulkStream {
  /**
   * Adds documents (positions continue from the previous call). Resolves at
   * once, or, when this completed a request while the previous one is still
   * in flight, once that one is answered: the caller prepares no further
   * ahead than one request. Rejects with that request's failure.
   */
  add(docs: readonly IndexDoc[]): Promise<void>;
  /** Sends what is left and resolves once every document is indexed or rejected (the same contract as `index`). */
  finish(): Promise<IndexReport>;
}

export interface Indexer {
  /**
   * Indexes every document or reports it rejected. Retryable failures (429,
   * 5xx, unreachable, index and cluster blocks) are retried with backoff until
   * they succeed or `signal` aborts, in which case it throws and nothing may be
   * committed. A refusal of the target throws a SiftError
   * (SIFT_INDEX_UNAUTHORIZED, SIFT_INDEX_REJECTED) naming the index and reason.
   */
  index(docs: readonly IndexDoc[], signal: AbortSignal): Promise<IndexReport>;
  /** The same, for documents that arrive in parts (a batch prepared slice by slice). */
  open(signal: AbortSignal): BulkStream;
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

interface BulkResponse {
  errors?: boolean;
  items?: Record<string, BulkItemResult>[];
}

const TLS_ERROR = /certificate|self[- ]signed|SSL|TLS|handshake/i;

/**
 * One `index` result per document sent, in order, or undefined when the body
 * is not a bulk response to this request: empty, not an object, an `items`
 * count that differs from the documents sent (a proxy or load balancer that
 * cut or rewrote the answer), an item without a status. Such an answer says
 * nothing about any document, so it is neither success nor a rejection: the
 * whole request is retried (idempotent: the documents keep their `_id`s).
 */
function bulkItems(response: unknown, sent: number): BulkItemResult[] | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const items = (response as BulkResponse).items;
  if (!Array.isArray(items) || items.length !== sent) return undefined;
  const out: BulkItemResult[] = [];
  for (const entry of items) {
    const result = typeof entry === 'object' && entry !== null ? (entry['index'] ?? entry['create']) : undefined;
    if (typeof result?.status !== 'number') return undefined;
    out.push(result);
  }
  return out;
}

/** An answer came but could not be read as Elasticsearch's (cut JSON, a proxy's HTML page with 200). */
const unreadable = (err: unknown): boolean => err instanceof errors.DeserializationError || err instanceof errors.ProductNotSupportedError;

function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'meta' in err) {
    const meta = (err as { meta?: { statusCode?: unknown } }).meta;
    // A timeout or reset reaches us as status 0: no answer, which is retryable, not a refusal.
    if (typeof meta?.statusCode === 'number' && meta.statusCode > 0) return meta.statusCode;
  }
  return undefined;
}

/** ES's error type from a whole-request failure's body (`{"error":{"type":…}}`), when it has one. */
function errorTypeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('meta' in err)) return undefined;
  const body = (err as { meta?: { body?: unknown } }).meta?.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const type = (body as { error?: { type?: unknown } }).error?.type;
  return typeof type === 'string' ? type : undefined;
}

/** The target refused every document: stop with the index and ES's reason, commit nothing. */
function targetRefused(doc: BodyLine, item: BulkItemResult, log: Logger): SiftError {
  const type = item.error?.type ?? 'error';
  const reason = item.error?.reason ?? `status ${item.status}`;
  log.error({ index: doc.index, status: item.status, type, reason }, 'Elasticsearch refuses every document for this index; stopping without committing.');
  const code = item.status === 401 || item.status === 403 ? ErrorCode.IndexUnauthorized : ErrorCode.IndexRejected;
  return new SiftError(code, `Elasticsearch refused to index into ${doc.index} (${item.status} ${type}): ${reason}`, { stage: 'index' });
}

export function createIndexer(opts: IndexerOptions): Indexer {
  const { client, metrics, log } = opts;
  const gate = opts.aliases ? createAliasGate({ client, log, aliases: opts.aliases, retryInitialMs: opts.retryInitialMs, retryMaxMs: opts.retryMaxMs }) : undefined;
  /** Sends (of any batch) now held by a block: sift_index_blocked is 1 while any is. */
  let heldByBlock = 0;

  async function send(chunk: BodyChunk, todo: readonly BodyLine[], rejected: Rejection[], signal: AbortSignal): Promise<number> {
    let holding = false;
    const hold = (on: boolean): void => {
      if (on === holding) return;
      holding = on;
      heldByBlock += on ? 1 : -1;
      metrics.indexBlocked.set(heldByBlock > 0 ? 1 : 0);
    };
    try {
      return await sendHeld(chunk, todo, rejected, signal, hold);
    } finally {
      hold(false);
    }
  }

  async function sendHeld(chunk: BodyChunk, todo: readonly BodyLine[], rejected: Rejection[], signal: AbortSignal, hold: (on: boolean) => void): Promise<number> {
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
            bulkBody: bodyOf(chunk, todo),
            querystring: { filter_path: 'errors,items.*.status,items.*.error' },
          },
          { maxRetries: 0, signal },
        )) as BulkResponse;
        metrics.bulkDuration.observe({ outcome: 'ok' }, Number(process.hrtime.bigint() - started) / 1e9);
      } catch (err) {
        metrics.bulkDuration.observe({ outcome: 'error' }, Number(process.hrtime.bigint() - started) / 1e9);
        if (signal.aborted) throw err;
        const status = statusOf(err);
        const message = err instanceof Error ? err.message : String(err);
        const type = errorTypeOf(err);
        const malformed = unreadable(err);
        const verdict = malformed ? RequestVerdict.Retry : status === undefined && TLS_ERROR.test(message) ? RequestVerdict.Fatal : classifyRequest(status, type);
        if (verdict === RequestVerdict.Fatal) {
          const code = status === 401 || status === 403 ? ErrorCode.IndexUnauthorized : ErrorCode.IndexRejected;
          throw new SiftError(code, `Elasticsearch refused the bulk request (${status ?? 'no response'}): ${message}`, { stage: 'index', cause: err });
        }
        if (verdict === RequestVerdict.Split) {
          if (todo.length === 1) {
            const only = todo[0] as BodyLine;
            rejected.push({ position: only.position, status: 413, code: ErrorCode.IndexTooLarge, reason: 'document larger than the cluster accepts (413)' });
            return indexed;
          }
          const half = Math.ceil(todo.length / 2);
          indexed += await send(chunk, todo.slice(0, half), rejected, signal);
          indexed += await send(chunk, todo.slice(half), rejected, signal);
          return indexed;
        }
        const blocked = verdict === RequestVerdict.Blocked;
        metrics.bulkRetries.inc({ reason: blocked ? 'blocked' : malformed ? 'malformed' : status === undefined ? 'unavailable' : String(status) });
        // The handler holds this batch until ES takes it, so the consumer fetches nothing new meanwhile.
        metrics.paused.set(1);
        hold(blocked);
        const delay = backoffDelay(attempt++, opts.retryInitialMs, opts.retryMaxMs);
        if (blocked) log.warn({ status, type, reason: message, attempt, delayMs: delay, docs: todo.length }, 'Elasticsearch blocks writes to the cluster; holding the batch and retrying until the block is lifted.');
        else log.warn({ status, attempt, delayMs: delay, docs: todo.length, err: message }, 'Bulk request failed; retrying.');
        await sleep(delay, signal);
        continue;
      }

      const items = bulkItems(response, todo.length);
      if (items === undefined) {
        metrics.bulkRetries.inc({ reason: 'malformed' });
        metrics.paused.set(1);
        const delay = backoffDelay(attempt++, opts.retryInitialMs, opts.retryMaxMs);
        log.warn({ docs: todo.length, attempt, delayMs: delay }, 'Elasticsearch answered the bulk request with a body that is not its bulk response; retrying the whole request.');
        await sleep(delay, signal);
        continue;
      }
      // Retried in their order: throttled items and items held by a block alike.
      const again: BodyLine[] = [];
      let throttled = 0;
      let block: { index: string; status: number; reason: string; items: number } | undefined;
      for (let i = 0; i < items.length; i++) {
        const result = items[i] as BulkItemResult;
        const doc = todo[i] as BodyLine;
        switch (classifyItem(result)) {
          case ItemVerdict.Indexed:
            indexed++;
            break;
          case ItemVerdict.Retry:
            throttled++;
            again.push(doc);
            break;
          case ItemVerdict.Blocked:
            if (block) block.items++;
            else block = { index: doc.index, status: result.status, reason: result.error?.reason ?? '', items: 1 };
            again.push(doc);
            break;
          case ItemVerdict.Fatal:
            // Items of this response already indexed stay indexed: the batch
            // is re-read after the restart and their _ids make that idempotent.
            throw targetRefused(doc, result, log);
          case ItemVerdict.Reject:
            rejected.push({ position: doc.position, status: result.status, code: rejectionCode(result), reason: itemReason(result) });
            break;
        }
      }
      metrics.paused.set(block ? 1 : 0);
      hold(block !== undefined);
      if (again.length > 0) {
        const delay = backoffDelay(attempt++, opts.retryInitialMs, opts.retryMaxMs);
        if (throttled > 0) {
          metrics.bulkRetries.inc({ reason: 'item' }, throttled);
          log.warn({ items: throttled, attempt, delayMs: delay }, 'Bulk items were throttled or failed transiently; retrying them.');
        }
        if (block) {
          metrics.bulkRetries.inc({ reason: 'blocked' }, block.items);
          // One line per retry: the first blocked item's index and ES's reason name the block.
          log.warn({ ...block, attempt, delayMs: delay }, 'Elasticsearch blocks writes to this index; holding the batch and retrying until the block is lifted.');
        }
        await sleep(delay, signal);
      }
      todo = again;
    }
    return indexed;
  }

  function open(signal: AbortSignal): BulkStream {
    const body = new BodyBuilder({ maxBytes: opts.bulkMaxBytes, maxDocs: opts.bulkMaxDocs });
    const rejected: Rejection[] = [];
    let position = 0;
    let indexed = 0;
    /** The request in flight, if any; requests go one at a time, in order. */
    let inFlight: Promise<void> | undefined;
    const dispatch = async (chunk: BodyChunk): Promise<void> => {
      // The alias gate needs the targets before the first document reaches a new dataset's alias.
      if (gate) await gate.ready(chunk.lines, signal);
      indexed += await send(chunk, chunk.lines, rejected, signal);
    };
    const start = async (chunk: BodyChunk): Promise<void> => {
      if (inFlight) await inFlight;
      const sending = dispatch(chunk);
      // Awaited by the next add() or by finish(); never unhandled if the caller gives up first.
      sending.catch(() => undefined);
      inFlight = sending;
    };
    return {
      async add(docs) {
        for (const d of docs) {
          const full = body.add(position++, d.index, d.id, d.source);
          if (full) await start(full);
        }
      },
      async finish() {
        const last = body.flush();
        if (last) await start(last);
        if (inFlight) await inFlight;
        return { indexed, rejected };
      },
    };
  }

  return {
    open,
    async index(docs, signal) {
      const stream = open(signal);
      await stream.add(docs);
      return stream.finish();
    },
  };
}
