/**
 * Issue 12, defect 1, on the real stack: an index block set and cleared
 * mid-stream. First `index.blocks.write` (ES answers each item 403
 * cluster_block_exception, FORBIDDEN/8), then
 * `index.blocks.read_only_allow_delete`, the block the disk allocator sets
 * past the flood-stage watermark (429, TOO_MANY_REQUESTS/12). Neither is a
 * bad record: Sift must hold the batch, commit nothing while the block
 * holds, show it on sift_index_blocked and in one warning per retry, and once
 * the block is lifted index every event exactly once, with no dead letter of
 * the index stage.
 *
 * This scenario stops no service (the blocks are index settings), so it runs
 * beside other tests on the shared stack.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildWorkload,
  checkDelivery,
  cleanupFault,
  committedNow,
  expectExactlyOnce,
  faultConfig,
  faultNames,
  metricValue,
  produceWorkload,
  report,
  sampler,
  saveLog,
  waitAllCommitted,
} from '../helpers/fault-check.js';
import { createTopic, es, startSift, waitFor, type SiftProcess } from '../helpers/stack.js';

const names = faultNames('es-blocked');
const backing = `${names.alias}-000001`;
afterAll(async () => {
  // A failed run must not leave a block behind (cleanup deletes the index anyway).
  await es.indices.putSettings({ index: backing, settings: { 'index.blocks.write': null, 'index.blocks.read_only_allow_delete': null } }).catch(() => undefined);
  await cleanupFault(names);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOLD_MS = 8000;

interface Held {
  /** Committed offsets sampled while the block held (after the first retry was seen). */
  readonly committed: readonly (number | undefined)[];
  readonly seconds: number;
  readonly clearedAt: number;
  /** sift_index_blocked was 1 while the block held, and 0 again once it was lifted and the batch went through. */
  readonly gaugeSeen: boolean;
}

/**
 * Sets `setting` on the events index, produces records [from, to) into the
 * block, holds it HOLD_MS past the moment Sift reports the block, lifts it and
 * waits until every record up to `to` is committed.
 */
async function holdBlock(sift: SiftProcess, setting: string, from: number, to: number): Promise<Held> {
  await es.indices.putSettings({ index: backing, settings: { [setting]: true } });
  const at = Date.now();
  const logFrom = sift.output().length;
  const commits = sampler(() => committedNow(names));
  const gauge = sampler(() => metricValue(sift.httpPort(), 'sift_index_blocked'));
  await produceWorkload(names.topic, w, from, to);
  // Until Sift has met the block: a retry warning, the gauge, or (what this test exists to catch) a commit past it.
  await waitFor(
    async () => sift.output().slice(logFrom).includes('"level":40') || (await metricValue(sift.httpPort(), 'sift_index_blocked')) === 1 || (await committedNow(names)) !== from,
    30_000,
    `${setting}: Sift to meet the block`,
  );
  const seen = Date.now();
  await sleep(HOLD_MS);
  await es.indices.putSettings({ index: backing, settings: { [setting]: null } });
  const clearedAt = Date.now();
  await commits.stop();
  await gauge.stop();
  await waitAllCommitted(names, to, 60_000, [sift]);
  const after = await metricValue(sift.httpPort(), 'sift_index_blocked');
  // A sample lost to a slow /metrics answer is no evidence either way.
  const held = gauge.between(seen, clearedAt).filter((v) => v !== undefined);
  return {
    committed: commits.between(seen, clearedAt),
    seconds: (clearedAt - at) / 1000,
    clearedAt,
    gaugeSeen: held.length > 10 && held.every((v) => v === 1) && after === 0,
  };
}

const w = buildWorkload(names, { count: 3000, seed: 13, partitions: 3 });

describe('Elasticsearch index blocks mid-stream', () => {
  it('holds the batch through a write block (403) and a flood-stage read-only-allow-delete block (429), commits nothing meanwhile, then indexes every event exactly once', async () => {
    const total = w.records.length;
    const a = Math.floor(total / 3);
    const b = Math.floor((2 * total) / 3);
    await createTopic(names.topic, 3);
    await produceWorkload(names.topic, w, 0, a);
    // The default session timeout: a batch held through a block must not outlive its group membership.
    const sift = startSift(faultConfig(names, { partitions: 3, kafka: { session_timeout_ms: 30_000 } }));
    try {
      // Everything before the block committed: any commit while it holds would be a blocked batch committed past.
      await waitAllCommitted(names, a, 90_000, [sift]);
      // Nothing committed while a block held: the offsets stayed where the block found them.
      const write = await holdBlock(sift, 'index.blocks.write', a, b);
      expect(write.committed.length).toBeGreaterThan(10);
      expect(new Set(write.committed), 'committed offsets while index.blocks.write held').toEqual(new Set([a]));
      expect(write.gaugeSeen, 'sift_index_blocked 1 while index.blocks.write held, 0 after').toBe(true);
      const disk = await holdBlock(sift, 'index.blocks.read_only_allow_delete', b, total);
      expect(disk.committed.length).toBeGreaterThan(10);
      expect(new Set(disk.committed), 'committed offsets while index.blocks.read_only_allow_delete held').toEqual(new Set([b]));
      expect(disk.gaugeSeen, 'sift_index_blocked 1 while index.blocks.read_only_allow_delete held, 0 after').toBe(true);
      const done = await waitAllCommitted(names, total, 60_000, [sift]);
      sift.child.kill('SIGTERM');
      expect(await sift.exited).toBe(0);

      const log = sift.output().split('\n');
      const warnings = log.filter((l) => l.includes('Elasticsearch blocks writes to this index'));
      const d = report('es-blocked', { ...(await checkDelivery(names, w)), recovery_seconds: (done - disk.clearedAt) / 1000 }, {
        write_block_seconds: Math.round(write.seconds * 10) / 10,
        disk_block_seconds: Math.round(disk.seconds * 10) / 10,
        committed_during_write_block: [...new Set(write.committed)].join(','),
        committed_during_disk_block: [...new Set(disk.committed)].join(','),
        blocked_gauge_seen: write.gaugeSeen && disk.gaugeSeen,
        block_warnings: warnings.length,
      });
      // One warning per retry, naming the index and ES's reason for each block.
      expect(warnings.some((l) => l.includes(names.alias) && l.includes('FORBIDDEN/8/index write (api)'))).toBe(true);
      expect(warnings.some((l) => l.includes(names.alias) && l.includes('TOO_MANY_REQUESTS/12/'))).toBe(true);
      expectExactlyOnce(d);
      expect(d.dead_codes).not.toMatch(/SIFT_INDEX/); // a block is never a dead letter
      expect(d.dlq_redelivered).toBe(0);
    } finally {
      sift.child.kill('SIGKILL');
      saveLog('es-blocked', sift.output());
    }
  }, 240_000);
});
