import type { Client } from '@elastic/elasticsearch';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyBuilder, bodyOf } from '../../src/ingest/indexer/body.js';
import { createIndexer } from '../../src/ingest/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

const quiet = createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('bulk bodies written into buffers', () => {
  it('writes action and source lines byte for byte, multi-byte text included', () => {
    const b = new BodyBuilder({ maxBytes: 1 << 20, maxDocs: 10 });
    expect(b.add(0, 'logs-a', 'id0', '{"user":"Zoë 🙂"}')).toBeUndefined();
    const chunk = b.flush();
    // Written out by hand: ë is 2 bytes in UTF-8, the emoji 4.
    const expected = '{"index":{"_index":"logs-a","_id":"id0"}}\n{"user":"Zoë 🙂"}\n';
    expect(chunk?.buffer.toString('utf8')).toBe(expected);
    expect(chunk?.buffer.length).toBe(43 + 19 + 1);
    expect(chunk?.lines).toEqual([{ position: 0, index: 'logs-a', start: 0, end: 63 }]);
    expect(b.flush()).toBeUndefined();
  });

  it('cuts a chunk at maxDocs', () => {
    const b = new BodyBuilder({ maxBytes: 1 << 20, maxDocs: 2 });
    expect(b.add(0, 'i', 'a', '{}')).toBeUndefined();
    expect(b.add(1, 'i', 'b', '{}')).toBeUndefined();
    const first = b.add(2, 'i', 'c', '{}');
    expect(first?.lines.map((l) => l.position)).toEqual([0, 1]);
    expect(b.flush()?.lines.map((l) => l.position)).toEqual([2]);
  });

  it('cuts a chunk before the line that would pass maxBytes, and a line alone larger than it gets its own', () => {
    // Sizes from the lines as written by hand below.
    const line = (id: string, source: string): string => `{"index":{"_index":"i","_id":"${id}"}}\n${source}\n`;
    const small = line('a', '{}').length;
    const b = new BodyBuilder({ maxBytes: 2 * small, maxDocs: 100 });
    expect(b.add(0, 'i', 'a', '{}')).toBeUndefined();
    expect(b.add(1, 'i', 'b', '{}')).toBeUndefined();
    // Exactly maxBytes so far; the third does not fit.
    const first = b.add(2, 'i', 'c', '{}');
    expect(first?.buffer.toString()).toBe(line('a', '{}') + line('b', '{}'));
    const huge = `{"x":"${'y'.repeat(500)}"}`;
    const second = b.add(3, 'i', 'd', huge);
    expect(second?.buffer.toString()).toBe(line('c', '{}'));
    const third = b.add(4, 'i', 'e', '{}');
    expect(third?.buffer.toString()).toBe(line('d', huge));
    expect(b.flush()?.buffer.toString()).toBe(line('e', '{}'));
  });

  it('grows past its first capacity without losing what it holds', () => {
    const b = new BodyBuilder({ maxBytes: 4 << 20, maxDocs: 100_000 });
    const source = `{"pad":"${'é'.repeat(1000)}"}`;
    for (let i = 0; i < 200; i++) expect(b.add(i, 'i', `id${i}`, source)).toBeUndefined();
    const chunk = b.flush();
    const lines = chunk?.buffer.toString('utf8').split('\n') ?? [];
    expect(lines).toHaveLength(401);
    expect(lines[398]).toBe('{"index":{"_index":"i","_id":"id199"}}');
    expect(lines[399]).toBe(source);
  });

  it('gives a subset of a chunk as its own body, in the order asked', () => {
    const b = new BodyBuilder({ maxBytes: 1 << 20, maxDocs: 10 });
    for (const [i, id] of ['a', 'b', 'c'].entries()) b.add(i, 'i', id, `{"n":${i}}`);
    const chunk = b.flush();
    if (!chunk) throw new Error('no chunk');
    expect(bodyOf(chunk, chunk.lines)).toBe(chunk.buffer);
    expect(bodyOf(chunk, [chunk.lines[0], chunk.lines[2]].flatMap((l) => (l ? [l] : []))).toString()).toBe(
      '{"index":{"_index":"i","_id":"a"}}\n{"n":0}\n{"index":{"_index":"i","_id":"c"}}\n{"n":2}\n',
    );
  });
});

describe('a bulk stream', () => {
  /** A transport whose answers the test releases one by one (unit test only). */
  function heldClient(): { client: Client; sent: string[][]; release: (ok?: boolean) => void; inFlight: () => number } {
    const sent: string[][] = [];
    const waiting: ((ok: boolean) => void)[] = [];
    let open = 0;
    const client = {
      transport: {
        request: (params: { bulkBody: Buffer }) => {
          const ids = String(params.bulkBody)
            .trim()
            .split('\n')
            .filter((_, i) => i % 2 === 0)
            .map((l) => (JSON.parse(l) as { index: { _id: string } }).index._id);
          sent.push(ids);
          open++;
          return new Promise((resolve, reject) =>
            waiting.push((ok) => {
              open--;
              if (ok) resolve({ errors: false, items: ids.map(() => ({ index: { status: 201 } })) });
              else reject(Object.assign(new Error('status 401'), { meta: { statusCode: 401 } }));
            }),
          );
        },
      },
    } as unknown as Client;
    return { client, sent, release: (ok = true) => waiting.shift()?.(ok), inFlight: () => open };
  }
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  const docs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ index: 'logs-x', id: `d${from + i}`, source: '{}' }));

  it('sends each full request while the next documents are added, one in flight, in order, and reports every position', async () => {
    const { client, sent, release, inFlight } = heldClient();
    const indexer = createIndexer({ client, metrics: createMetrics({ defaultMetrics: false }), log: quiet, bulkMaxBytes: 1 << 20, bulkMaxDocs: 2, retryInitialMs: 1, retryMaxMs: 2 });
    const stream = indexer.open(new AbortController().signal);
    // Three documents: the first request (d0, d1) goes out as the third arrives; add() does not wait for it.
    await stream.add(docs(0, 3));
    await tick();
    expect(sent).toEqual([['d0', 'd1']]);
    // The second request is full while the first is unanswered: add() holds until the first is answered.
    let added = false;
    const adding = stream.add(docs(3, 2)).then(() => (added = true));
    await tick();
    expect(added).toBe(false);
    expect(inFlight()).toBe(1);
    release();
    await adding;
    await tick();
    expect(sent).toEqual([['d0', 'd1'], ['d2', 'd3']]);
    const finishing = stream.finish();
    release();
    await tick();
    expect(sent).toEqual([['d0', 'd1'], ['d2', 'd3'], ['d4']]);
    release();
    expect(await finishing).toEqual({ indexed: 5, rejected: [] });
  });

  it('fails the batch with a request that failed while later documents were being added', async () => {
    const { client, release } = heldClient();
    const indexer = createIndexer({ client, metrics: createMetrics({ defaultMetrics: false }), log: quiet, bulkMaxBytes: 1 << 20, bulkMaxDocs: 2, retryInitialMs: 1, retryMaxMs: 2 });
    const stream = indexer.open(new AbortController().signal);
    await stream.add(docs(0, 3));
    await tick();
    release(false);
    await expect(stream.finish()).rejects.toThrow(/refused the bulk request \(401\)/);
  });
});
