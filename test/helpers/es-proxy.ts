/**
 * A small HTTP proxy in front of the local Elasticsearch that injects the
 * failures users of Vector and Logstash report losing data to: whole-request
 * 429 storms, and per-item 429s (es_rejected_execution_exception) inside a
 * 200 bulk response. Items it rejects are really not forwarded, so they exist
 * in ES only if the client retries them.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ES_PORT } from './stack.js';

export type ProxyMode =
  | { kind: 'pass' }
  /** Every _bulk request answered 429 (the next `count` of them). */
  | { kind: 'storm429'; count: number }
  /** In each _bulk request, each item is rejected with probability `ratio` (seeded). */
  | { kind: 'item429'; ratio: number; requests: number };

export interface EsProxy {
  readonly url: string;
  setMode(mode: ProxyMode): void;
  readonly stats: { bulkRequests: number; stormed: number; itemsRejected: number; itemsForwarded: number };
  close(): Promise<void>;
}

const UPSTREAM = { host: '127.0.0.1', port: ES_PORT };
/**
 * Headers of the answers the proxy makes up. The Elasticsearch client checks
 * x-elastic-product on every 2xx and refuses ("not Elasticsearch") without it.
 */
const ES_HEADERS = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const HOP_BY_HOP = new Set(['content-length', 'host', 'connection', 'keep-alive', 'transfer-encoding']);

function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers['content-length'] = String(body.length);
    // A fresh connection per request (agent: false): a pooled socket reused
    // after a HEAD answer was hung up on by ES now and then, failing the
    // request with a 502 that Sift rightly does not retry at startup.
    const up = request({ ...UPSTREAM, method: req.method, path: req.url, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && k !== 'content-length' && k !== 'transfer-encoding') h[k] = v;
        resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      });
    });
    up.on('error', reject);
    up.end(body);
  });
}

/** Deterministic pseudo-random numbers, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

interface BulkAction {
  header: string;
  source: string | undefined;
  op: string;
  index: string;
  id: string | undefined;
}

function parseBulk(body: string): BulkAction[] {
  const lines = body.split('\n').filter((l) => l.length > 0);
  const out: BulkAction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i] ?? '';
    const parsed = JSON.parse(header) as Record<string, { _index?: string; _id?: string }>;
    const op = Object.keys(parsed)[0] ?? 'index';
    const meta = parsed[op] ?? {};
    const hasSource = op !== 'delete';
    out.push({ header, source: hasSource ? lines[++i] : undefined, op, index: meta._index ?? '', id: meta._id });
  }
  return out;
}

export async function startEsProxy(seed = 1): Promise<EsProxy> {
  let mode: ProxyMode = { kind: 'pass' };
  const random = prng(seed);
  const stats = { bulkRequests: 0, stormed: 0, itemsRejected: 0, itemsForwarded: 0 };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const isBulk = (req.url ?? '').split('?')[0]?.endsWith('/_bulk') ?? false;
    if (isBulk) stats.bulkRequests++;
    if (isBulk && mode.kind === 'storm429' && mode.count > 0) {
      mode = { ...mode, count: mode.count - 1 };
      stats.stormed++;
      res.writeHead(429, ES_HEADERS);
      res.end(JSON.stringify({ error: { type: 'es_rejected_execution_exception', reason: 'injected by the fault proxy' }, status: 429 }));
      return;
    }
    if (isBulk && mode.kind === 'item429' && mode.requests > 0) {
      mode = { ...mode, requests: mode.requests - 1 };
      const actions = parseBulk(body.toString('utf8'));
      const rejected = actions.map(() => random() < (mode.kind === 'item429' ? mode.ratio : 0));
      const kept = actions.filter((_, i) => !rejected[i]);
      let items: unknown[] = [];
      let took = 0;
      if (kept.length > 0) {
        const forwardedBody = Buffer.from(kept.map((a) => (a.source === undefined ? `${a.header}\n` : `${a.header}\n${a.source}\n`)).join(''));
        const up = await forward(req, forwardedBody);
        if (up.status !== 200) {
          res.writeHead(up.status, up.headers);
          res.end(up.body);
          return;
        }
        const parsed = JSON.parse(up.body.toString('utf8')) as { items: unknown[]; took: number };
        items = parsed.items;
        took = parsed.took;
      }
      let k = 0;
      const merged = actions.map((a, i) => {
        if (!rejected[i]) return items[k++];
        stats.itemsRejected++;
        return { [a.op]: { _index: a.index, _id: a.id, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution (injected by the fault proxy)' } } };
      });
      stats.itemsForwarded += kept.length;
      res.writeHead(200, ES_HEADERS);
      res.end(JSON.stringify({ took, errors: rejected.some(Boolean) || merged.some((m) => JSON.stringify(m).includes('"error"')), items: merged }));
      return;
    }
    const up = await forward(req, body);
    res.writeHead(up.status, up.headers);
    res.end(up.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (m) => (mode = m),
    stats,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
