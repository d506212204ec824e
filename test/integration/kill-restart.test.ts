/**
 * A SIGKILL mid-stream, then a restart, over Okta traffic in its real shapes
 * (test/helpers/okta-workload.ts): single LogEvents, API pages and NDJSON
 * records, some events out of order or late, malformed events inside packed
 * records. The expected `_id`s and dead letters come from the workload's own
 * reading of the bytes and the documented id formula, not from Sift's code.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateOkta } from '../../src/generate/index.js';
import { expectedLetters, letterKeyOf, outcomesOf, packOkta } from '../helpers/okta-workload.js';
import { cleanup, countDocs, createTopic, foundIds, offsets, produce, readAll, startSift, testConfig, topicSize, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('kill');
afterAll(() => cleanup(names));

describe('crash safety', () => {
  it('finds every event exactly once, and every bad event in the DLQ, after SIGKILL mid-stream and a restart', async () => {
    const N = 12_000;
    const generated = [...generateOkta({ count: N, seed: 202, start: new Date('2026-04-01T00:00:00Z') })];
    const packed = packOkta(generated, 203);
    const values = packed.records.map((r) => r.value);
    const ids = values.flatMap((v) => outcomesOf(v).docs.map((d) => d.id));
    const letters = expectedLetters(values);
    // Every generated event is valid (no badRatio): all N indexed; the dead letters are the hostile events inside packed records and the empty pages.
    expect(ids.length).toBe(N);
    expect(new Set(ids).size).toBe(N);
    expect(letters.length).toBe(packed.figures.hostile + packed.figures.empty);
    expect(letters.length).toBeGreaterThan(5);
    await createTopic(names.topic);
    await produce(names.topic, values);
    // Small batches, one partition at a time: many commits, so the kill lands mid-stream.
    const config = testConfig(names, { kafka: { partitions_concurrently: 1, max_bytes_per_partition: 128 * 1024 }, elasticsearch: { bulk_max_docs: 100 } });

    const first = startSift(config);
    await waitFor(async () => (await offsets(names.group, names.topic)).committed > 0, 120_000, 'a first commit');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const atKill = await offsets(names.group, names.topic);
    expect(atKill.committed).toBeGreaterThan(0);
    expect(atKill.committed).toBeLessThan(values.length); // really mid-stream

    const second = startSift(config);
    try {
      await waitFor(async () => {
        const o = await offsets(names.group, names.topic);
        return o.committed === values.length;
      }, 150_000, 'the restarted pipeline to commit everything');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);

    expect(await countDocs(names.alias)).toBe(N);
    expect(await foundIds(names.alias, ids)).toBe(N);
    // A batch replayed after the kill may write its dead letters again (at least once, same key): compare distinct ones.
    const dead = await readAll(names.dlq, await topicSize(names.dlq));
    expect([...new Set(dead.map((d) => letterKeyOf(d.value)))].sort()).toEqual([...new Set(letters)].sort());
  });
});
