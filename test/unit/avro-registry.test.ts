/**
 * Issue 16: the schema cache against a local HTTP server standing in for a
 * registry that fails (503, then unreachable) before it answers. A registry
 * that cannot answer pauses the batch (resolve waits, the paused gauge is 1)
 * and decides nothing; a 404 is the only answer that dead-letters.
 * test/integration/avro.test.ts does the same against the real registry.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistryClient, createSchemaCache, type RawRecord } from '../../src/ingest/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

const SCHEMA = '{"type":"record","name":"A","fields":[{"name":"x","type":"string"}]}';
const limits = { maxBytes: 1 << 20, maxDepth: 64 };
const record = (id: number, offset: number): RawRecord => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  timestamp: '0',
  key: null,
  value: Buffer.from([0, 0, 0, 0, id, 0x02, 0x61]),
});

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A registry whose answers to GET /schemas/ids/<id> follow `script`, one per request; the last repeats. */
async function fakeRegistry(script: readonly (readonly [number, string])[]): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const [status, body] = script[Math.min(requests.length - 1, script.length - 1)] ?? [500, ''];
    res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' }).end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`, requests };
}

function cacheOf(url: string) {
  const metrics = createMetrics({ defaultMetrics: false });
  const log = createLogger({ level: 'silent', format: 'json' });
  const cache = createSchemaCache({ client: createRegistryClient({ url, timeoutMs: 2000 }), limits, log, metrics, retryInitialMs: 20, retryMaxMs: 40 });
  return { cache, metrics };
}

describe('schema cache', () => {
  it('waits through 503s, then caches the schema: one fetch per id, none per record', async () => {
    const reg = await fakeRegistry([
      [503, '{"error_code":50301,"message":"busy"}'],
      [503, '{"error_code":50301,"message":"busy"}'],
      [200, JSON.stringify({ schema: SCHEMA })],
    ]);
    const { cache, metrics } = cacheOf(reg.url);
    let pausedSeen = false;
    const watch = setInterval(() => {
      void metrics.registryPaused.get().then((m) => (pausedSeen ||= m.values[0]?.value === 1));
    }, 5);
    await cache.resolve([record(4, 0), record(4, 1), record(4, 2)], new AbortController().signal);
    clearInterval(watch);
    expect(reg.requests).toEqual(['GET /apis/ccompat/v7/schemas/ids/4', 'GET /apis/ccompat/v7/schemas/ids/4', 'GET /apis/ccompat/v7/schemas/ids/4']);
    expect(cache.schemaOf(4)).toBeTruthy();
    expect((await metrics.registryRetries.get()).values[0]?.value).toBe(2);
    expect(pausedSeen).toBe(true);
    expect((await metrics.registryPaused.get()).values[0]?.value).toBe(0);
    // Known now: a later batch naming it asks nothing.
    await cache.resolve([record(4, 3)], new AbortController().signal);
    expect(reg.requests).toHaveLength(3);
  });

  it('marks an id the registry answers 404 for as missing (its records are dead-lettered), without retrying', async () => {
    const reg = await fakeRegistry([[404, '{"error_code":40403,"message":"Schema 9 not found"}']]);
    const { cache } = cacheOf(reg.url);
    await cache.resolve([record(9, 0)], new AbortController().signal);
    expect(cache.schemaOf(9)).toBeNull();
    expect(reg.requests).toHaveLength(1);
  });

  it('keeps waiting while the registry is unreachable, and gives up only when Sift stops (nothing decided)', async () => {
    const reg = await fakeRegistry([[200, JSON.stringify({ schema: SCHEMA })]]);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const { cache, metrics } = cacheOf(reg.url);
    const stop = new AbortController();
    const pending = cache.resolve([record(4, 0)], stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await metrics.registryPaused.get()).values[0]?.value).toBe(1);
    expect((await metrics.registryRetries.get()).values[0]?.value).toBeGreaterThanOrEqual(2);
    stop.abort(new Error('stopping'));
    await expect(pending).rejects.toThrow('stopping');
    expect(cache.schemaOf(4)).toBeUndefined();
  });

  it('sends user:password from the URL as basic auth (fetch refuses a URL holding them)', async () => {
    const seen: (string | undefined)[] = [];
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/vnd.schemaregistry.v1+json' }).end(JSON.stringify({ schema: SCHEMA }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const client = createRegistryClient({ url: `http://sr-user:p%40ss@127.0.0.1:${port}/`, timeoutMs: 2000 });
    expect(client.describe).toBe(`http://127.0.0.1:${port}`);
    expect(await client.schemaById(1)).toEqual({ found: true, schema: SCHEMA, schemaType: 'AVRO' });
    // base64("sr-user:p@ss")
    expect(seen).toEqual(['Basic c3ItdXNlcjpwQHNz']);
  });

  it('marks a schema that is not Avro as missing', async () => {
    const reg = await fakeRegistry([[200, JSON.stringify({ schema: '{"type":"object"}', schemaType: 'JSON' })]]);
    const { cache } = cacheOf(reg.url);
    await cache.resolve([record(3, 0)], new AbortController().signal);
    expect(cache.schemaOf(3)).toBeNull();
  });
});
