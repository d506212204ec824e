// `sift kibana import` against a local HTTP server standing in for Kibana
// (no Kibana runs here): the request it builds, and what it makes of Kibana's
// answers. The answers are shaped after the saved-objects import API's docs.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { buildSavedObjects, importSavedObjects, importUrl, KibanaImportError, toNdjson } from '../../src/kibana/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const NDJSON = '{"type":"index-pattern","id":"sift-dv-logs","attributes":{"title":"logs-*"},"references":[]}\n';
const OK = JSON.stringify({
  success: true,
  successCount: 2,
  successResults: [
    { type: 'index-pattern', id: 'sift-dv-logs', meta: { title: 'logs-*', icon: 'indexPatternApp' }, overwrite: true },
    { type: 'dashboard', id: 'sift-dashboard-okta', meta: { title: 'Sift: Okta', icon: 'dashboardApp' } },
  ],
});
const PARTIAL = JSON.stringify({
  success: false,
  successCount: 1,
  successResults: [{ type: 'index-pattern', id: 'sift-dv-logs', meta: { title: 'logs-*' } }],
  errors: [
    { id: 'sift-lens-okta-asn', type: 'lens', meta: { title: 'Sign-ins by autonomous system' }, error: { type: 'missing_references', references: [{ type: 'index-pattern', id: 'sift-dv-okta' }] } },
    { id: 'sift-search-alerts', type: 'search', title: 'Sift: alerts and their events', error: { type: 'unknown', message: 'boom', statusCode: 500 } },
  ],
});

describe('the import request', () => {
  it('POSTs the NDJSON as the multipart file field, with kbn-xsrf, the API key and overwrite=true, under the space', async () => {
    seen.length = 0;
    reply = { status: 200, body: OK };
    const result = await importSavedObjects({ url: `${base}/kibana/`, apiKey: 'a2V5OnNlY3JldA==', space: 'sec-ops', ndjson: NDJSON });
    expect(seen.length).toBe(1);
    const req = seen[0] as Seen;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/kibana/s/sec-ops/api/saved_objects/_import?overwrite=true');
    expect(req.headers['kbn-xsrf']).toBeTruthy();
    expect(req.headers.authorization).toBe('ApiKey a2V5OnNlY3JldA==');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1];
    expect(boundary).toBeTruthy();
    // One part, named file, carrying the NDJSON byte for byte.
    const parts = req.body.split(`--${boundary}`).filter((p) => p !== '' && p !== '--\r\n');
    expect(parts.length).toBe(1);
    expect(parts[0]).toContain('Content-Disposition: form-data; name="file"; filename="sift-kibana.ndjson"');
    expect(parts[0]?.endsWith(`\r\n\r\n${NDJSON}\r\n`)).toBe(true);
    expect(result).toEqual({
      ok: true,
      successCount: 2,
      objects: [
        { type: 'index-pattern', id: 'sift-dv-logs', title: 'logs-*' },
        { type: 'dashboard', id: 'sift-dashboard-okta', title: 'Sift: Okta' },
      ],
    });
  });

  it('uses the default space path and no Authorization without a key', async () => {
    seen.length = 0;
    reply = { status: 200, body: OK };
    await importSavedObjects({ url: base, ndjson: NDJSON });
    expect(seen[0]?.url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(importUrl('http://k:5601', 'default').pathname).toBe('/api/saved_objects/_import');
  });

  it('sends userinfo in the URL as Basic auth, not in the request line', async () => {
    seen.length = 0;
    reply = { status: 200, body: OK };
    await importSavedObjects({ url: base.replace('http://', 'http://elastic:ch%40nge@'), ndjson: NDJSON });
    expect(seen[0]?.url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('elastic:ch@nge').toString('base64')}`);
  });

  it('refuses a space id that would change the path', () => {
    expect(() => importUrl('http://k:5601', '../x')).toThrow(/--space must be a Kibana space id/);
  });

  it('reports each object Kibana could not import, with why', async () => {
    reply = { status: 200, body: PARTIAL };
    const result = await importSavedObjects({ url: base, ndjson: NDJSON });
    expect(result.ok).toBe(false);
    expect(result.objects).toEqual([
      { type: 'index-pattern', id: 'sift-dv-logs', title: 'logs-*' },
      { type: 'lens', id: 'sift-lens-okta-asn', title: 'Sign-ins by autonomous system', error: 'missing_references: index-pattern/sift-dv-okta' },
      { type: 'search', id: 'sift-search-alerts', title: 'Sift: alerts and their events', error: 'unknown: boom' },
    ]);
  });

  it('fails clearly on an HTTP error, a non-JSON answer and an unreachable Kibana', async () => {
    reply = { status: 401, body: '{"statusCode":401,"error":"Unauthorized","message":"[security_exception] missing authentication credentials"}' };
    await expect(importSavedObjects({ url: base, ndjson: NDJSON })).rejects.toThrow(/^Kibana refused the import: HTTP 401 Unauthorized: .*missing authentication credentials/);
    reply = { status: 200, body: '<html>proxy</html>' };
    await expect(importSavedObjects({ url: base, ndjson: NDJSON })).rejects.toThrow(KibanaImportError);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(importSavedObjects({ url: `http://user:pw@127.0.0.1:${port}`, ndjson: NDJSON })).rejects.toThrow(/^Kibana at http:\/\/.*127\.0\.0\.1:\d+\/ is unreachable \(.*ECONNREFUSED.*\)/);
    await expect(importSavedObjects({ url: `http://user:pw@127.0.0.1:${port}`, ndjson: NDJSON })).rejects.not.toThrow(/pw/);
  });
});

describe('sift kibana (CLI)', () => {
  it('import sends the whole export and exits 0 on success, 1 when an object failed', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      seen.length = 0;
      reply = { status: 200, body: OK };
      expect(await main(['kibana', 'import', '--url', base])).toBe(0);
      expect(seen[0]?.body).toContain(toNdjson(buildSavedObjects({ alertsIndexPrefix: 'sift-alerts' })));
      expect(log.mock.calls.map((c) => String(c[0]))).toContain('ok     dashboard sift-dashboard-okta (Sift: Okta)');
      reply = { status: 200, body: PARTIAL };
      expect(await main(['kibana', 'import', '--url', base])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0]))).toContain('FAILED lens sift-lens-okta-asn (Sign-ins by autonomous system): missing_references: index-pattern/sift-dv-okta');
      expect(await main(['kibana', 'import'])).toBe(2);
      expect(await main(['kibana', 'import', '--url', 'ftp://x'])).toBe(2);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });

  it('export --out writes the same bytes as the export function', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'sift-kibana-')), 'assets.ndjson');
      expect(await main(['kibana', 'export', '--out', out])).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(toNdjson(buildSavedObjects({ alertsIndexPrefix: 'sift-alerts' })));
    } finally {
      err.mockRestore();
    }
  });
});
