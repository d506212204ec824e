// The pipeline-health writer (src/pipeline/ops-writer.ts) against a stand-in
// Elasticsearch client: writes return at once, failures are counted and
// warned about once per outage, and a stalled cluster makes it drop, not queue.
import type { Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { createOpsWriter } from '../../src/pipeline/ops-writer.js';
import type { OpsDoc } from '../../src/pipeline/ops.js';
import { createLogger, createMetrics, type Logger } from '../../src/telemetry/index.js';

const DOC: OpsDoc = {
  id: 't/0/1/batch/okta.system',
  source: { '@timestamp': '2024-05-01T12:00:00.000Z', event: { dataset: 'okta.system' }, sift: { ops: { kind: 'batch', topic: 't', partition: 0, events: 3, lag_ms: 10 } } },
};

interface Fake {
  client: Client;
  bulks: unknown[][];
  created: string[];
  /** What the next bulk calls do: 'ok', 'throw', 'refuse' or 'hang'. */
  mode: 'ok' | 'throw' | 'refuse' | 'hang';
  existsCalls: number;
  existsFails: boolean;
}

function fake(): Fake {
  const f: Fake = { client: undefined as unknown as Client, bulks: [], created: [], mode: 'ok', existsCalls: 0, existsFails: false };
  f.client = {
    indices: {
      exists: () => {
        f.existsCalls++;
        return f.existsFails ? Promise.reject(new Error('unreachable')) : Promise.resolve(f.created.length > 0);
      },
      create: ({ index }: { index: string }) => {
        f.created.push(index);
        return Promise.resolve({});
      },
    },
    bulk: ({ operations }: { operations: unknown[] }) => {
      f.bulks.push(operations);
      if (f.mode === 'throw') return Promise.reject(new Error('connection refused'));
      if (f.mode === 'hang') return new Promise(() => undefined);
      if (f.mode === 'refuse') return Promise.resolve({ errors: true, items: [{ index: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad' } } }] });
      return Promise.resolve({ errors: false, items: [{ index: { status: 201 } }] });
    },
  } as unknown as Client;
  return f;
}

function capture(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const log = createLogger({ level: 'silent', format: 'json' });
  log.warn = ((...args: unknown[]) => {
    warnings.push(String(args.at(-1)));
  }) as Logger['warn'];
  return { log, warnings };
}

async function failedTotal(metrics: ReturnType<typeof createMetrics>): Promise<number> {
  return (await metrics.opsFailed.get()).values.reduce((sum, v) => sum + v.value, 0);
}

describe('the ops writer', () => {
  it('creates the index once, then sends each batch\'s documents by id', async () => {
    const f = fake();
    const metrics = createMetrics({ defaultMetrics: false });
    const w = createOpsWriter({ client: f.client, index: 'sift-ops-default', log: capture().log, metrics });
    await w.ensure();
    w.write([DOC]);
    w.write([]);
    await w.flush(1000);
    expect(f.created).toEqual(['sift-ops-default']);
    expect(f.bulks).toEqual([[{ index: { _index: 'sift-ops-default', _id: 't/0/1/batch/okta.system' } }, DOC.source]]);
    expect(await failedTotal(metrics)).toBe(0);
  });

  it('counts failed and refused documents, and warns once per outage', async () => {
    const f = fake();
    const metrics = createMetrics({ defaultMetrics: false });
    const { log, warnings } = capture();
    const w = createOpsWriter({ client: f.client, index: 'sift-ops-default', log, metrics });
    f.mode = 'throw';
    w.write([DOC, DOC]);
    await w.flush(1000);
    w.write([DOC]);
    await w.flush(1000);
    f.mode = 'refuse';
    w.write([DOC]);
    await w.flush(1000);
    expect(await failedTotal(metrics)).toBe(4);
    expect(warnings.length).toBe(1);
    // Back to normal, then a new outage: one more warning.
    f.mode = 'ok';
    w.write([DOC]);
    await w.flush(1000);
    f.mode = 'throw';
    w.write([DOC]);
    await w.flush(1000);
    expect(warnings.length).toBe(2);
    expect(await failedTotal(metrics)).toBe(5);
  });

  it('returns at once while Elasticsearch hangs, drops past 4 writes in flight, and stops waiting at the flush deadline', async () => {
    const f = fake();
    const metrics = createMetrics({ defaultMetrics: false });
    const w = createOpsWriter({ client: f.client, index: 'sift-ops-default', log: capture().log, metrics });
    f.mode = 'hang';
    const started = Date.now();
    for (let i = 0; i < 6; i++) w.write([DOC]);
    expect(Date.now() - started).toBeLessThan(100);
    await w.flush(50);
    // Four writes reached Elasticsearch and hang there; the other two were dropped and counted.
    expect(f.bulks.length).toBe(4);
    expect(await failedTotal(metrics)).toBe(2);
  });

  it('survives a failed creation at start and creates the index before the next write', async () => {
    const f = fake();
    const metrics = createMetrics({ defaultMetrics: false });
    const { log, warnings } = capture();
    const w = createOpsWriter({ client: f.client, index: 'sift-ops-default', log, metrics });
    f.existsFails = true;
    await w.ensure();
    expect(warnings.length).toBe(1);
    expect(f.created).toEqual([]);
    f.existsFails = false;
    w.write([DOC]);
    await w.flush(1000);
    expect(f.created).toEqual(['sift-ops-default']);
    expect(f.bulks.length).toBe(1);
    expect(await failedTotal(metrics)).toBe(0);
  });
});
