/**
 * Issue 11 point 8a: a dataset's backing index is created on its first
 * document, before the first bulk to its alias (a bulk to a missing alias
 * would make Elasticsearch auto-create a concrete index under the alias's
 * name), once however many batches arrive together. The fake client records
 * the order of the calls; expectations are written by hand.
 */
import type { Client } from '@elastic/elasticsearch';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createIndexer, type IndexDoc } from '../../src/ingest/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

const quiet = createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

const ALIASES = new Map([
  ['logs-okta.system-default', 'logs-okta.system-default-000001'],
  ['logs-google_workspace.login-default', 'logs-google_workspace.login-default-000001'],
]);

const esError = (status: number, type: string): Error => Object.assign(new Error(type), { meta: { statusCode: status }, body: { error: { type } } });

interface Fake {
  client: Client;
  calls: string[];
  existing: Set<string>;
}

/** ES as far as the indexer sees it: aliases, index creation and bulk. `failCreate` answers the first creates with errors. */
function fakeEs(failCreate: Error[] = []): Fake {
  const calls: string[] = [];
  const existing = new Set<string>();
  const client = {
    indices: {
      existsAlias: async ({ name }: { name: string }) => {
        calls.push(`exists ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        return existing.has(name);
      },
      create: async ({ index, aliases }: { index: string; aliases: Record<string, { is_write_index: boolean }> }) => {
        calls.push(`create ${index} as ${Object.keys(aliases).join(',')} write=${String(Object.values(aliases)[0]?.is_write_index)}`);
        await new Promise((r) => setTimeout(r, 5));
        const err = failCreate.shift();
        if (err) throw err;
        for (const a of Object.keys(aliases)) existing.add(a);
      },
    },
    transport: {
      request: async (params: { bulkBody: string | Buffer }) => {
        const lines = String(params.bulkBody).trim().split('\n');
        const targets = lines.filter((_, i) => i % 2 === 0).map((l) => (JSON.parse(l) as { index: { _index: string } }).index._index);
        calls.push(`bulk ${[...new Set(targets)].join(',')}`);
        return { errors: false, items: targets.map(() => ({ index: { status: 201 } })) };
      },
    },
  } as unknown as Client;
  return { client, calls, existing };
}

function indexer(client: Client) {
  return createIndexer({ client, metrics: createMetrics({ defaultMetrics: false }), log: quiet, bulkMaxBytes: 1 << 20, bulkMaxDocs: 1000, retryInitialMs: 1, retryMaxMs: 2, aliases: ALIASES });
}

const doc = (index: string, id: string): IndexDoc => ({ index, id, source: '{}' });
const signal = new AbortController().signal;

describe('indexer: a dataset index on its first document', () => {
  it('creates the backing index with its write alias before the first bulk, and only once', async () => {
    const es = fakeEs();
    const ix = indexer(es.client);
    await ix.index([doc('logs-okta.system-default', 'a'), doc('logs-okta.system-default', 'b')], signal);
    await ix.index([doc('logs-okta.system-default', 'c')], signal);
    expect(es.calls).toEqual([
      'exists logs-okta.system-default',
      'create logs-okta.system-default-000001 as logs-okta.system-default write=true',
      'bulk logs-okta.system-default',
      'bulk logs-okta.system-default',
    ]);
  });

  it('makes concurrent batches of a new dataset wait for one creation', async () => {
    const es = fakeEs();
    const ix = indexer(es.client);
    await Promise.all([1, 2, 3].map((n) => ix.index([doc('logs-google_workspace.login-default', `id${n}`)], signal)));
    expect(es.calls).toEqual([
      'exists logs-google_workspace.login-default',
      'create logs-google_workspace.login-default-000001 as logs-google_workspace.login-default write=true',
      'bulk logs-google_workspace.login-default',
      'bulk logs-google_workspace.login-default',
      'bulk logs-google_workspace.login-default',
    ]);
  });

  it('leaves an alias that exists alone, and never touches an index it does not manage (the alerts index)', async () => {
    const es = fakeEs();
    es.existing.add('logs-okta.system-default');
    const ix = indexer(es.client);
    await ix.index([doc('sift-alerts-default', 'x'), doc('logs-okta.system-default', 'y')], signal);
    expect(es.calls).toEqual(['exists logs-okta.system-default', 'bulk sift-alerts-default,logs-okta.system-default']);
  });

  it('takes losing the creation race to another instance as done', async () => {
    const es = fakeEs([esError(400, 'resource_already_exists_exception')]);
    const report = await indexer(es.client).index([doc('logs-okta.system-default', 'a')], signal);
    expect(report).toEqual({ indexed: 1, rejected: [] });
    expect(es.calls.at(-1)).toBe('bulk logs-okta.system-default');
  });

  it('retries a creation that failed with 503, then bulks', async () => {
    const es = fakeEs([esError(503, 'unavailable_shards_exception')]);
    await indexer(es.client).index([doc('logs-okta.system-default', 'a')], signal);
    expect(es.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
    expect(es.calls.at(-1)).toBe('bulk logs-okta.system-default');
  });

  it('stops with a clear error, and bulks nothing, when an index already holds the alias name', async () => {
    const es = fakeEs([esError(400, 'invalid_alias_name_exception')]);
    await expect(indexer(es.client).index([doc('logs-okta.system-default', 'a')], signal)).rejects.toMatchObject({
      code: 'SIFT_INDEX_REJECTED',
      message: expect.stringContaining('logs-okta.system-default') as unknown,
    });
    expect(es.calls.some((c) => c.startsWith('bulk'))).toBe(false);
  });
});
