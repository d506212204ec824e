/**
 * A small HTTP proxy in front of the local Elasticsearch that injects the
 * failures users of Vector and Logstash report losing data to: whole-request
 * 429 storms, and per-item 429s (es_rejected_execution_exception) inside a
 * 200 bulk response. Items it rejects are really not forwarded, so they exist
 * in ES only if the client retries them.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ES_PORT } from './stack.js';

export type ProxyMode =
  | { kind: 'pass' }
  /** Every _bulk request answered 429 (the next `count` of them). */
  | { kind: 'storm429'; count: number }
  /** In each _bulk request, each item is rejected with probability `ratio` (seeded). */
  | { kind: 'item429'; ratio: number; requests: number }
  /** Requests whose path starts with `prefix` are held until `count` of them have arrived, then all go on at once (then pass). */
  | { kind: 'gate'; prefix: string; count: number };

/**
 * A misbehaving front (a load balancer, nginx, an ALB) between Sift and ES;
 * each mode holds until the test sets another.
 *
 * - tooLarge: bulk bodies over `maxBytes` answered 413 with nginx's HTML page,
 *   as such fronts (and ES past http.max_content_length) do; smaller ones pass.
 * - malformed: each bulk answered with a body that is not a bulk response, in
 *   turn: ES's answer cut in half (200), nginx's HTML 502 (not forwarded), an
 *   empty 200 and a 200 with half the items. The three 200s were forwarded:
 *   their documents are in ES, the answer was lost on the way back.
 * - halfOpen: every request read and never answered, the connection left
 *   open (a black-holed front); every other bulk forwarded first.
 */
export type FrontMode = { kind: 'tooLarge'; maxBytes: number } | { kind: 'malformed' } | { kind: 'halfOpen' };

export interface EsProxy {
  readonly url: string;
  setMode(mode: ProxyMode): void;
  /** A misbehaving front before the modes above; undefined lets requests through to them. */
  setFront(mode: FrontMode | undefined): void;
  readonly stats: { bulkRequests: number; stormed: number; itemsRejected: number; itemsForwarded: number } & FrontStats;
  close(): Promise<void>;
}

const UPSTREAM = { host: '127.0.0.1', port: ES_PORT };
/**
 * Headers of the answers the proxy makes up. The Elasticsearch client checks
 * x-elastic-product on every 2xx and refuses ("not Elasticsearch") without it.
 */
const ES_HEADERS = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };

interface FrontStats {
  /** Bulk requests answered 413, and those among them whose exact body had been answered 413 before (the same request resent). */
  tooLarge: number;
  tooLargeRepeated: number;
  /** Bulk requests answered with a malformed body, and requests held without an answer. */
  malformed: number;
  held: number;
}

const NGINX_413 = '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const NGINX_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const HTML = { 'content-type': 'text/html' };

/** Answers a request as the misbehaving front would; false when the mode lets it pass. */
async function misbehave(mode: FrontMode, req: IncomingMessage, body: Buffer, res: ServerResponse, stats: FrontStats, seen413: Set<string>): Promise<boolean> {
  const isBulk = (req.url ?? '').split('?')[0]?.endsWith('/_bulk') ?? false;
  if (mode.kind === 'halfOpen') {
    // Never answered: the socket stays open until the client gives up on it.
    if (isBulk && stats.held++ % 2 === 0) await forward(req, body).catch(() => undefined);
    else if (!isBulk) stats.held++;
    return true;
  }
  if (!isBulk) return false;
  if (mode.kind === 'tooLarge') {
    if (body.length <= mode.maxBytes) return false;
    const hash = createHash('sha256').update(body).digest('hex');
    if (seen413.has(hash)) stats.tooLargeRepeated++;
    seen413.add(hash);
    stats.tooLarge++;
    res.writeHead(413, HTML);
    res.end(NGINX_413);
    return true;
  }
  const shape = stats.malformed++ % 4;
  if (shape === 1) {
    res.writeHead(502, HTML);
    res.end(NGINX_502);
    return true;
  }
  const up = await forward(req, body);
  const text = up.body.toString('utf8');
  const halfItems = (): string => {
    const parsed = JSON.parse(text) as { items: unknown[] };
    return JSON.stringify({ ...parsed, items: parsed.items.slice(0, Math.floor(parsed.items.length / 2)) });
  };
  res.writeHead(200, ES_HEADERS);
  res.end(shape === 0 ? text.slice(0, Math.floor(text.length / 2)) : shape === 2 ? '' : halfItems());
  return true;
}

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
  const stats = { bulkRequests: 0, stormed: 0, itemsRejected: 0, itemsForwarded: 0, tooLarge: 0, tooLargeRepeated: 0, malformed: 0, held: 0 };
  let front: FrontMode | undefined;
  const seen413 = new Set<string>();
  const gated: (() => void)[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const isBulk = (req.url ?? '').split('?')[0]?.endsWith('/_bulk') ?? false;
    if (isBulk) stats.bulkRequests++;
    if (front && (await misbehave(front, req, body, res, stats, seen413))) return;
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
    if (mode.kind === 'gate' && (req.url ?? '').startsWith(mode.prefix)) {
      const count = mode.count;
      await new Promise<void>((resolve) => {
        gated.push(resolve);
        if (gated.length >= count) {
          mode = { kind: 'pass' };
          for (const go of gated.splice(0)) go();
        }
      });
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
    setFront: (m) => (front = m),
    stats,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
