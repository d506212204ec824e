/**
 * Issue 12, "ES answering malformed bodies": a bulk answer that is not
 * Elasticsearch's bulk response says nothing about any document. Taken as
 * success, the batch would be committed and never indexed; taken as per-item
 * rejections, it would be dead-lettered; taken as fatal, one load-balancer
 * hiccup stops the pipeline. Each shape must be retried until a real answer.
 *
 * The answers are written by hand as a load balancer or a cut connection
 * makes them, and served over HTTP to the real Elasticsearch client, so the
 * client's own reading of them (JSON parse, product check) is part of the test.
 */
import { Client } from '@elastic/elasticsearch';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIndexer, type IndexDoc } from '../../src/ingest/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

const ES = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };
const NGINX_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

type Shape = (res: ServerResponse) => void;
const SHAPES: Record<string, Shape> = {
  'truncated JSON with 200': (res) => {
    res.writeHead(200, ES);
    res.end('{"errors":false,"items":[{"index":{"status":201}},{"ind');
  },
  'an HTML 502 page': (res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end(NGINX_502);
  },
  'an empty 200': (res) => {
    res.writeHead(200, ES);
    res.end('');
  },
  'a 200 with fewer items than documents': (res) => {
    res.writeHead(200, ES);
    res.end('{"errors":false,"items":[{"index":{"status":201}}]}');
  },
  'a 200 whose items carry no status': (res) => {
    res.writeHead(200, ES);
    res.end('{"errors":false,"items":[{},{},{}]}');
  },
  'a 200 without items': (res) => {
    res.writeHead(200, ES);
    res.end('{"errors":false}');
  },
  'an HTML 200 page (a captive front, not Elasticsearch)': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>Service is being restored</body></html>');
  },
};

let shape: Shape | undefined;
const calls: number[] = [];
/** After the malformed answer, a real one: 201 for every action line of the request (counted by hand). */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const actions = Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l.startsWith('{"index"')).length;
    calls.push(actions);
    const once = shape;
    shape = undefined;
    if (once) return once(res);
    res.writeHead(200, ES);
    res.end(JSON.stringify({ errors: false, items: Array.from({ length: actions }, () => ({ index: { status: 201 } })) }));
  });
}

const server = createServer(answer);
let client: Client;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new Client({ node: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxRetries: 0, requestTimeout: 5000 });
});
afterAll(async () => {
  await client.close();
  await new Promise((resolve) => server.close(resolve));
});

const quiet = createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const docs: IndexDoc[] = ['a', 'b', 'c'].map((id) => ({ index: 'logs-okta.system-default', id, source: `{"id":"${id}"}` }));

describe('indexer: a bulk answer that is not a bulk response', () => {
  it.each(Object.keys(SHAPES))('retries the whole request after %s, and indexes every document once a real answer comes', async (name) => {
    shape = SHAPES[name];
    calls.length = 0;
    const metrics = createMetrics({ defaultMetrics: false });
    const indexer = createIndexer({ client, metrics, log: quiet, bulkMaxBytes: 1 << 20, bulkMaxDocs: 100, retryInitialMs: 1, retryMaxMs: 2 });
    const report = await indexer.index(docs, new AbortController().signal);
    expect(report).toEqual({ indexed: 3, rejected: [] });
    // The malformed answer, then the same three documents again: nothing acknowledged or dropped from the first.
    expect(calls).toEqual([3, 3]);
    // Counted as what it was: a 502 is a gateway's error status, the others are answers Sift could not read.
    const reason = name === 'an HTML 502 page' ? '502' : 'malformed';
    expect(await metrics.registry.getSingleMetricAsString('sift_index_bulk_retries_total')).toContain(`sift_index_bulk_retries_total{reason="${reason}"} 1`);
  });
});
