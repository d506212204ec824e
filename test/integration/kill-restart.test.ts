import { afterAll, describe, expect, it } from 'vitest';
import { generateOkta } from '../../src/generate/index.js';
import { documentId } from '../../src/ingest/index.js';
import { cleanup, countDocs, createTopic, foundIds, offsets, produce, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('kill');
afterAll(() => cleanup(names));

describe('crash safety', () => {
  it('finds every event exactly once after SIGKILL mid-stream and a restart', async () => {
    const N = 12_000;
    const events = [...generateOkta({ count: N, seed: 202, start: new Date('2026-04-01T00:00:00Z') })];
    await createTopic(names.topic);
    await produce(names.topic, events);
    // Small batches, one partition at a time: many commits, so the kill lands mid-stream.
    const config = testConfig(names, { kafka: { partitions_concurrently: 1, max_bytes_per_partition: 128 * 1024 }, elasticsearch: { bulk_max_docs: 100 } });

    const first = startSift(config);
    await waitFor(async () => (await offsets(names.group, names.topic)).committed > 0, 120_000, 'a first commit');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const atKill = await offsets(names.group, names.topic);
    expect(atKill.committed).toBeGreaterThan(0);
    expect(atKill.committed).toBeLessThan(N); // really mid-stream

    const second = startSift(config);
    try {
      await waitFor(async () => {
        const o = await offsets(names.group, names.topic);
        return o.committed === N;
      }, 150_000, 'the restarted pipeline to commit everything');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);

    const ids = events.map((t) => documentId('okta.system', (JSON.parse(t) as { uuid: string }).uuid));
    expect(await countDocs(names.alias)).toBe(N);
    expect(await foundIds(names.alias, ids)).toBe(N);
  });
});
