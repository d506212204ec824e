/**
 * packed-10k (keyed mode, hand-written alert and ids).
 *
 * One Kafka record is a whole CloudTrail S3 log file of 10,000 events
 * (`{"Records":[…]}`, ~9 MB, as a shipper forwards the file), among ordinary
 * records of a few events. It is over the default `pipeline.max_record_bytes`
 * (2 MiB: such a record would be a SIFT_DECODE_TOO_LARGE dead letter, as
 * Vector's and Logstash's size limits refuse theirs), so the test runs the
 * configured path users take for S3 log files: max_record_bytes 12 MiB, a raw
 * topic whose max.message.bytes holds it, and one record over 12 MiB, which
 * must be the documented dead letter. Checks: all 10,000 events indexed once
 * under the `_id`s of docs/sources/aws-cloudtrail.md; the record's offset is
 * committed only once all of them are indexed; and a threshold rule
 * (10 failed console sign-ins of one user within 10m) fires exactly once,
 * only because 8 of mallory's 10 failures are inside the packed record.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultConfig, readTopic, sampler, saveLog, waitAllCommitted } from '../helpers/fault-check.js';
import { recordFault } from '../helpers/faults.js';
import { cleanupKeyed, expectAlertsIndex, expectAlertsTopic, keyedNames, type TestEvent } from '../helpers/keyed-faults.js';
import { consoleLogin } from '../helpers/raw-events.js';
import { countDocs, createTopic, es, foundIds, offsets, produce, startSift } from '../helpers/stack.js';
import { expectedDocId } from '../helpers/vendor-ids.js';

const names = keyedNames('packed10k');
const alias = `logs-aws.cloudtrail-${names.namespace}`;
afterAll(async () => {
  await es.indices.delete({ index: `${alias}-*`, ignore_unavailable: true }).catch(() => undefined);
  await cleanupKeyed(names);
}, 120_000);

const MiB = 1024 * 1024;
const LIMIT = 12 * MiB;
const RULE = 'it.packed.console-failures';
const RULE_YAML = `
id: ${RULE}
name: Failed console sign-ins of one user
description: packed-10k threshold rule.
version: 1
severity: medium
scope: {datasets: [aws.cloudtrail]}
detection:
  failed: {event.action: ConsoleLogin, event.outcome: failure}
  condition: failed
threshold: {count: 10, group_by: [user.name], window: 10m}
`;

const pad = (n: number): string => String(n).padStart(2, '0');
/** 2026-05-01 at `second` seconds after 10:00:00 (the date keyed-faults' alert view expects). */
const at = (second: number): string => `2026-05-01T10:${pad(Math.floor(second / 60))}:${pad(second % 60)}.000Z`;

/** A CloudTrail ConsoleLogin event with its documented `_id`. */
function login(eventId: string, second: number, user: string, result: 'Success' | 'Failure'): TestEvent {
  const raw = JSON.stringify(consoleLogin({ id: eventId, at: at(second), ip: '203.0.113.9', user, result }));
  return { uuid: eventId, id: expectedDocId('aws.cloudtrail', eventId), raw };
}

const file = (events: readonly TestEvent[]): string => `{"Records":[${events.map((e) => e.raw).join(',')}]}`;

// Mallory's 10 failures: 2 in an ordinary file before the big one, 8 spread through the packed file.
const MALLORY_AT = [500, 1700, 2900, 4100, 5300, 6500, 7700, 8900];
const before = [login('before-0', 1, 'mallory', 'Failure'), login('before-1', 2, 'mallory', 'Failure'), login('before-2', 3, 'alice', 'Success')];
const packed = Array.from({ length: 10_000 }, (_, i) =>
  MALLORY_AT.includes(i) ? login(`packed-${i}`, Math.floor((i * 600) / 10_000), 'mallory', 'Failure') : login(`packed-${i}`, Math.floor((i * 600) / 10_000), `user${i % 50}`, 'Success'),
);
const after = [login('after-0', 595, 'bob', 'Success'), login('after-1', 596, 'mallory', 'Success')];
/** Over the configured limit: padding in an extra field of a real-shaped event. */
const oversized = `{"Records":[${JSON.stringify({ ...(consoleLogin({ id: 'oversized', at: at(10), ip: '203.0.113.9', user: 'eve', result: 'Success' }) as Record<string, unknown>), padding: 'x'.repeat(LIMIT + 1024) })}]}`;

const mallory = [...before.slice(0, 2), ...MALLORY_AT.map((i) => packed[i] as TestEvent)];
/** By hand: the 10th failure of mallory (all within 10m) fires with exactly those 10, window start = the first (10:00:01). */
const EXPECTED = [{ rule: RULE, group: ['mallory'], count: 10, windowStart: '10:00:01', events: mallory }];

describe('a packed record of 10,000 events', () => {
  it('indexes all 10,000 once, commits after them, and a threshold counts the events inside', async () => {
    const records = [file(before), file(packed), oversized, file(after)];
    const BIG = 1; // offset of the packed file (one partition)
    expect(Buffer.byteLength(records[BIG] ?? '')).toBeLessThan(LIMIT);
    await createTopic(names.topic, 1, 2 * LIMIT);
    await produce(names.topic, records);

    const rulesDir = mkdtempSync(join(tmpdir(), 'sift-packed-rules-'));
    writeFileSync(join(rulesDir, 'rule.yml'), RULE_YAML);
    const base = faultConfig(names, { partitions: 1, kafka: { topics: [{ name: names.topic, source: 'aws_cloudtrail' }] }, elasticsearch: { bulk_max_docs: 2000 } });
    const config = {
      ...base,
      rules: { ...base.rules, dir: rulesDir, stateful: 'keyed', keyed_partitions: 2, default_lateness: '1h' },
      pipeline: { ...base.pipeline, max_record_bytes: LIMIT },
    };
    const ids = [...before, ...packed, ...after].map((e) => e.id);
    const sift = startSift(config);
    // What was indexed of the packed file at the first moment its offset was committed.
    let atCommit: number | undefined;
    const watch = sampler(async () => {
      if (atCommit !== undefined) return;
      const committed = (await offsets(names.group, names.topic).catch(() => ({ committed: 0 }))).committed;
      if (committed > BIG) atCommit = await foundIds(alias, packed.map((e) => e.id)).catch(() => -1);
    }, 100);
    const started = Date.now();
    try {
      const done = await waitAllCommitted(names, records.length, 120_000, [sift]);
      await watch.stop();
      sift.child.kill('SIGTERM');
      expect(await sift.exited).toBe(0);
      const found = await foundIds(alias, ids);
      const dead = (await readTopic(names.dlq)).map((r) => JSON.parse(r.value) as { reason: { code: string }; source: { offset: string } });
      const figures = {
        produced: records.length,
        indexed: found,
        dead_lettered: dead.length,
        lost: ids.length - found + (dead.length === 1 ? 0 : 1),
        duplicated: (await countDocs(alias)) - found,
        recovery_seconds: Math.round((done - started) / 100) / 10,
        events: ids.length,
        packed_events: packed.length,
        packed_record_bytes: Buffer.byteLength(records[BIG] ?? ''),
        max_record_bytes: LIMIT,
        indexed_when_committed: atCommit ?? -1,
        alerts_expected: EXPECTED.length,
      };
      recordFault('packed-10k', figures);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0 });
      expect(found).toBe(10_005);
      // The offset moved past the packed record only with all 10,000 of its events in the index.
      expect(atCommit).toBe(10_000);
      // The record over the limit is the documented dead letter, whole, at its offset.
      expect(dead.map((d) => [d.source.offset, d.reason.code])).toEqual([['2', 'SIFT_DECODE_TOO_LARGE']]);
      await expectAlertsIndex(names, EXPECTED);
      await expectAlertsTopic(names, EXPECTED);
    } finally {
      await watch.stop();
      sift.child.kill('SIGKILL');
      saveLog('packed-10k', sift.output());
    }
  }, 170_000);
});
