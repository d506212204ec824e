/**
 * poison-per-source (local mode, the shipped rules; outcomes written by hand
 * in test/helpers/poison-records.ts).
 *
 * One `sift run` reads eight topics, one per source, each holding good
 * records among hostile ones: shapes each source's envelope reader and
 * normalizer must survive (a CloudTrail `Records` element that is a string or
 * whose `eventTime` is an object, a Pub/Sub `data` that is not base64, an Okta
 * `actor` array, a Slack `date_create` of 1e308, a GitHub webhook, …) and, for
 * every source, `__proto__`/`constructor` keys, a raw NUL byte, invalid UTF-8,
 * 2,000-deep nesting and a 3 MB string. Every record must be accounted for
 * exactly as written: indexed under its documented `_id` (counted for
 * Workspace and Zoom) or dead-lettered at its position with its reason code,
 * nothing else in the indices or the DLQ; the process never stops; every
 * offset is committed. The shipped rules run over whatever is indexed (a
 * hostile event must not break detection either); no alert is expected of
 * these few benign events, and none may be written twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupFault, faultConfig, faultNames, readTopic, saveLog } from '../helpers/fault-check.js';
import { recordFault } from '../helpers/faults.js';
import { poisonCases } from '../helpers/poison-records.js';
import { createTopic, es, foundIds, kafka, offsets, startSift, waitFor } from '../helpers/stack.js';

const names = faultNames('poison');
const cases = poisonCases();
const topicOf = (source: string): string => `${names.topic}.${source}`;
afterAll(async () => {
  await es.indices.delete({ index: `logs-*-${names.namespace}-*`, ignore_unavailable: true }).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: cases.map((c) => topicOf(c.source)) }).catch(() => undefined);
  await admin.disconnect();
  await cleanupFault(names);
}, 120_000);

async function docsIn(pattern: string): Promise<number> {
  await es.indices.refresh({ index: pattern, allow_no_indices: true, ignore_unavailable: true });
  return (await es.count({ index: pattern, allow_no_indices: true, ignore_unavailable: true })).count;
}

describe('poison records on every source', () => {
  it('indexes or dead-letters each record exactly as written, never stopping', async () => {
    for (const c of cases) {
      await createTopic(topicOf(c.source), 1, 4 * 1024 * 1024);
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (const r of c.records) await producer.send({ topic: topicOf(c.source), acks: -1, messages: [{ partition: 0, value: r.value }] });
      await producer.disconnect();
    }
    const base = faultConfig(names, { partitions: 1, kafka: { topics: cases.map((c) => ({ name: topicOf(c.source), source: c.source })) } });
    const sift = startSift(base);
    const started = Date.now();
    try {
      const total = cases.reduce((n, c) => n + c.records.length, 0);
      const committed = async (): Promise<number> => (await Promise.all(cases.map((c) => offsets(names.group, topicOf(c.source))))).reduce((n, o) => n + o.committed, 0);
      await Promise.race([
        waitFor(async () => (await committed()) === total, 90_000, `all ${total} records committed`, 250),
        sift.exited.then((code) => Promise.reject(new Error(`sift run exited (${code}) on a poison record:\n${sift.output().slice(-2000)}`))),
      ]);
      const done = Date.now();
      sift.child.kill('SIGTERM');
      expect(await sift.exited).toBe(0);

      // Dead letters by `<source>/<offset>[/<event index>]` → reason code.
      const got = new Map<string, string>();
      const dlq = await readTopic(names.dlq);
      for (const r of dlq) {
        const v = JSON.parse(r.value) as { vendor: string; event_index?: number; source: { offset: string }; reason: { code: string } };
        got.set([v.vendor, v.source.offset, ...(v.event_index === undefined ? [] : [v.event_index])].join('/'), v.reason.code);
      }
      const want = new Map<string, string>();
      const extra: Record<string, number> = {};
      let ids = 0;
      let found = 0;
      let docs = 0;
      let wantDocs = 0;
      const wrong: string[] = [];
      for (const c of cases) {
        c.records.forEach((r, offset) => {
          for (const d of r.dead) want.set([c.source, offset, ...(d.index === undefined ? [] : [d.index])].join('/'), d.code);
        });
        const sourceIds = c.records.flatMap((r) => r.ids);
        const n = await foundIds(`logs-${c.datasets}-${names.namespace}`, sourceIds).catch(() => 0);
        const expectedDocs = sourceIds.length + c.records.reduce((k, r) => k + r.counted, 0);
        const inIndex = await docsIn(`logs-${c.datasets}-${names.namespace}`);
        ids += sourceIds.length;
        found += n;
        docs += inIndex;
        wantDocs += expectedDocs;
        if (n !== sourceIds.length || inIndex !== expectedDocs) wrong.push(`${c.source}: ${n}/${sourceIds.length} ids found, ${inIndex} documents for ${expectedDocs} expected`);
        extra[`${c.source}_records`] = c.records.length;
        extra[`${c.source}_indexed`] = inIndex;
        extra[`${c.source}_dead_lettered`] = [...got.keys()].filter((k) => k.startsWith(`${c.source}/`)).length;
      }
      const missing = [...want].filter(([k, code]) => got.get(k) !== code).map(([k, code]) => `${k}: want ${code}, got ${got.get(k) ?? 'none'}`);
      const unexpected = [...got].filter(([k]) => !want.has(k)).map(([k, code]) => `${k}: ${code}`);
      const alerts = await readTopic(names.alertsTopic);
      const alertIds = alerts.filter((r) => r.headers['sift.alert.update'] !== 'true').map((r) => r.key ?? '');
      recordFault('poison-per-source', {
        produced: total,
        indexed: docs,
        dead_lettered: got.size,
        lost: ids - found + Math.max(0, wantDocs - docs) + missing.length,
        duplicated: Math.max(0, docs - wantDocs) + (dlq.length - got.size) + (alertIds.length - new Set(alertIds).size),
        recovery_seconds: Math.round((done - started) / 100) / 10,
        expected_indexed: wantDocs,
        expected_dead: want.size,
        unexpected_dead: unexpected.length,
        alerts: new Set(alertIds).size,
        ...extra,
      });
      expect({ wrong, missing, unexpected }).toEqual({ wrong: [], missing: [], unexpected: [] });
      expect(dlq.length, 'one dead letter per failed event, no redelivery').toBe(got.size);
      expect(alertIds.length, 'alerts written once each').toBe(new Set(alertIds).size);
    } finally {
      sift.child.kill('SIGKILL');
      saveLog('poison-per-source', sift.output());
    }
  }, 170_000);
});
