import type { Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyItem, classifyRequest, createIndexer, type IndexDoc } from '../../src/ingest/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';
import { Writable } from 'node:stream';

const quiet = createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

type Responder = (ids: string[]) => { status?: number; items?: { status: number; error?: { type: string; reason: string } }[] };

/** A stand-in for the ES client's transport (unit test only; integration tests use the real node). */
function fakeClient(respond: Responder): { client: Client; calls: string[][] } {
  const calls: string[][] = [];
  const client = {
    transport: {
      request: async (params: { bulkBody: string | Buffer }) => {
        const lines = String(params.bulkBody).trim().split('\n');
        const ids = lines.filter((_, i) => i % 2 === 0).map((l) => (JSON.parse(l) as { index: { _id: string } }).index._id);
        calls.push(ids);
        const r = respond(ids);
        if (r.status !== undefined) throw Object.assign(new Error(`status ${r.status}`), { meta: { statusCode: r.status } });
        return { errors: r.items?.some((i) => i.status >= 300) ?? false, items: (r.items ?? []).map((i) => ({ index: i })) };
      },
    },
  } as unknown as Client;
  return { client, calls };
}

const docs = (n: number): IndexDoc[] => Array.from({ length: n }, (_, i) => ({ index: 'logs-x-default', id: `id${i}`, source: `{"n":${i}}` }));

function indexer(client: Client, over: Partial<{ bulkMaxDocs: number }> = {}) {
  return createIndexer({ client, metrics: createMetrics({ defaultMetrics: false }), log: quiet, bulkMaxBytes: 1 << 20, bulkMaxDocs: over.bulkMaxDocs ?? 1000, retryInitialMs: 1, retryMaxMs: 2 });
}

describe('bulk classification', () => {
  it('retries 429, 5xx and rejected execution; rejects mapping errors', () => {
    expect(classifyItem({ status: 201 })).toBe('indexed');
    expect(classifyItem({ status: 200 })).toBe('indexed');
    expect(classifyItem({ status: 429 })).toBe('retry');
    expect(classifyItem({ status: 503 })).toBe('retry');
    expect(classifyItem({ status: 400, error: { type: 'es_rejected_execution_exception' } })).toBe('retry');
    expect(classifyItem({ status: 400, error: { type: 'document_parsing_exception' } })).toBe('reject');
    expect(classifyRequest(undefined)).toBe('retry');
    expect(classifyRequest(413)).toBe('split');
    expect(classifyRequest(401)).toBe('fatal');
    expect(classifyRequest(403)).toBe('fatal');
    expect(classifyRequest(502)).toBe('retry');
  });

  it('backs off exponentially, bounded, with jitter', () => {
    expect(backoffDelay(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(40, 100, 10_000, () => 1)).toBe(10_000);
  });
});

describe('indexer', () => {
  it('retries only the per-item 429s inside a 200 response', async () => {
    let round = 0;
    const { client, calls } = fakeClient((ids) => {
      round++;
      return { items: ids.map((id) => ({ status: round === 1 && id === 'id1' ? 429 : 201 })) };
    });
    const report = await indexer(client).index(docs(3), new AbortController().signal);
    expect(report).toEqual({ indexed: 3, rejected: [] });
    expect(calls).toEqual([['id0', 'id1', 'id2'], ['id1']]);
  });

  it('reports mapping rejections with ES reason, and never retries them', async () => {
    const { client, calls } = fakeClient((ids) => ({
      items: ids.map((id) => (id === 'id2' ? { status: 400, error: { type: 'document_parsing_exception', reason: 'failed to parse field [source.ip]' } } : { status: 201 })),
    }));
    const report = await indexer(client).index(docs(4), new AbortController().signal);
    expect(report.indexed).toBe(3);
    expect(report.rejected).toEqual([{ position: 2, status: 400, code: 'SIFT_INDEX_MAPPING_REJECTED', reason: 'document_parsing_exception: failed to parse field [source.ip]' }]);
    expect(calls).toHaveLength(1);
  });

  it('splits a batch on 413 until it fits', async () => {
    const { client, calls } = fakeClient((ids) => (ids.length > 2 ? { status: 413 } : { items: ids.map(() => ({ status: 201 })) }));
    const report = await indexer(client).index(docs(5), new AbortController().signal);
    expect(report.indexed).toBe(5);
    expect(calls.filter((c) => c.length <= 2).flat().sort()).toEqual(['id0', 'id1', 'id2', 'id3', 'id4']);
  });

  it('retries a whole request that failed with 503 or no response', async () => {
    let n = 0;
    const { client } = fakeClient((ids) => (++n < 3 ? { status: n === 1 ? 503 : 429 } : { items: ids.map(() => ({ status: 201 })) }));
    const report = await indexer(client).index(docs(2), new AbortController().signal);
    expect(report.indexed).toBe(2);
    expect(n).toBe(3);
  });

  it('stops with a clear error on 401 and indexes nothing further', async () => {
    const { client, calls } = fakeClient(() => ({ status: 401 }));
    await expect(indexer(client, { bulkMaxDocs: 1 }).index(docs(3), new AbortController().signal)).rejects.toMatchObject({ code: 'SIFT_INDEX_UNAUTHORIZED' });
    expect(calls).toHaveLength(1);
  });

  it('gives up retrying when aborted (shutdown deadline) so nothing is committed', async () => {
    const { client } = fakeClient(() => ({ status: 503 }));
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('deadline')), 20);
    await expect(indexer(client).index(docs(1), abort.signal)).rejects.toThrow();
  });
});
