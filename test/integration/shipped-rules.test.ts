/**
 * Every shipped rule's own `tests:` through the real pipeline: Kafka → decode
 * → explode → normalize → detect → the alerts index. Each case of several
 * events runs twice, once with one raw event per Kafka record and once with
 * all of them packed into one record (the vendor's batch envelope, else
 * NDJSON); a case of one event runs once, one record. Each run must
 * produce exactly the alerts the rule file declares: `expect.count` alert
 * documents of the rule, each `expect.alerts` map inside a distinct one.
 * The expectation is read from the YAML by this test, never computed by Sift.
 *
 * Isolation. Alert ids are hash(rule, group key, window start) and windows
 * live per topic partition, so each case × mode gets its own single-partition
 * topic, and cases that could produce the same alert id never share an alerts
 * index. One pipeline ("slot") consumes several topics at once only when they
 * cannot disturb each other: no two runs of one rule, and no rule that acts
 * on (matches, counts) an event of another member's case. So every alert of
 * a rule in a slot's index comes from that rule's one case, however many
 * cases of the same source share the slot. Each slot loads exactly the rule files of its cases
 * (as `sift rules test` runs each case with its rule alone) and has its own
 * consumer group, state topic and alerts index; events share one namespace
 * (their documents are not what is checked here, and creating 33 dataset
 * indices per case would cost minutes of Elasticsearch time).
 */
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsIndexName, ensureAlertsIndex } from '../../src/alerts/index.js';
import { datasetsOf, fieldsOf } from '../../src/ecs/index.js';
import type { EcsEvent } from '../../src/ecs/index.js';
import { ensureDatasetIndex } from '../../src/ingest/index.js';
import { loadRules } from '../../src/rules/index.js';
import { prepareOffline } from '../../src/rules/testing/index.js';
import { ruleActsOn } from '../../src/rules/verify/index.js';
import { pack } from '../helpers/packing.js';
import { produceExactly } from '../helpers/produce.js';
import { inProcessSift, runUntilConsumed } from '../helpers/pipelines.js';
import { readRuleFiles, unmatchedAlerts, type RuleCase, type RuleFile } from '../helpers/rule-cases.js';
import { BROKERS, ES_URL, ROOT, es, kafka, leadersOf, topicSize, uniqueNames } from '../helpers/stack.js';

const MODES = ['one event per record', 'packed in one record'] as const;
type Mode = (typeof MODES)[number];

interface Run {
  readonly rule: RuleFile;
  readonly tc: RuleCase;
  readonly mode: Mode;
  readonly vendor: string;
  readonly topic: string;
  readonly records: readonly string[];
  readonly shape: string;
  slot: number;
}

const names = uniqueNames('shipped');
const id = names.id;
const topicOf = (i: number): string => `it.shipped.${id}.${i}`;
const stateTopic = (slot: number): string => `it.shipped.${id}.state.${slot}`;
const dlqTopic = `it.shipped.${id}.dlq`;
const alertsTopic = `it.shipped.${id}.alerts`;
const alertsDlqTopic = `it.shipped.${id}.alerts.dlq`;
const prefixOf = (slot: number): string => `it-shipped-${id}-s${slot}`;
const groupOf = (slot: number): string => `it-shipped-${id}-s${slot}`;

const rules = readRuleFiles(join(ROOT, 'rules'));
const skipped: string[] = [];
const runs: Run[] = [];
for (const rule of rules) {
  for (const tc of rule.cases) {
    const vendors = new Set(tc.events.map((e) => e.source));
    const vendor = [...vendors][0];
    // An `ecs:` event is already normalized: there is no vendor record to send.
    if (tc.events.some((e) => e.raw === undefined)) skipped.push(`${rule.id} / ${tc.name}: ecs events cannot be sent raw`);
    // A topic carries one source; events of two vendors cannot share a partition.
    else if (vendors.size !== 1 || vendor === undefined) skipped.push(`${rule.id} / ${tc.name}: events of several sources`);
    else {
      const raws = tc.events.map((e) => e.raw ?? null);
      const packed = pack(vendor, raws);
      const single = { records: raws.map((r) => JSON.stringify(r)), shape: 'one record each' };
      // A case of one event is sent once: packing a single event changes only
      // its envelope (decoded for every vendor by sources.test.ts), not which
      // events share a record, which is what the packed run is for.
      for (const mode of raws.length > 1 ? MODES : MODES.slice(0, 1)) {
        const { records, shape } = mode === MODES[0] ? single : { records: [packed.value], shape: packed.shape };
        runs.push({ rule, tc, mode, vendor, topic: topicOf(runs.length), records, shape, slot: -1 });
      }
    }
  }
}

/**
 * Can `a` and `b` share a pipeline? Not when they are the same rule (their
 * alerts would share ids), nor when either rule acts on an event of the
 * other's case (it would count or alert on it). Whether a rule acts on an
 * event is asked of the compiled rule offline (the verdict `sift rules
 * verify` uses); a wrong "apart" could only add alerts and fail a case,
 * never make one pass.
 */
const compiled = new Map(loadRules([join(ROOT, 'rules')]).rules.map((r) => [r.spec.id, r]));
const eventsOf = new Map<Run, EcsEvent[]>();
for (const run of runs) {
  const received = Date.now();
  eventsOf.set(run, run.tc.events.flatMap((e, i) => prepareOffline(run.vendor, i, Buffer.from(JSON.stringify(e.raw)), received)?.origins.map((o) => o.event) ?? []));
}
const actsOnAny = (rule: Run, other: Run): boolean => {
  const r = compiled.get(rule.rule.id);
  return r === undefined || (eventsOf.get(other) ?? []).some((e) => ruleActsOn(r, e));
};
const apart = (a: Run, b: Run): boolean => a.rule.id !== b.rule.id && !actsOnAny(a, b) && !actsOnAny(b, a);
const slots: Run[][] = [];
for (const run of runs) {
  let slot = slots.findIndex((members) => members.every((m) => apart(m, run)));
  if (slot < 0) slot = slots.push([]) - 1;
  slots[slot]?.push(run);
  run.slot = slot;
}

interface AlertDoc {
  rule: { id: string };
  sift: { alert: { fields: Record<string, unknown>; group_key: string; count: number } };
}
/** `slot|rule id` → that rule's alert documents in the slot's alerts index. */
const found = new Map<string, AlertDoc[]>();
let deadLetters = -1;

async function createTopics(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const plain = [...runs.map((r) => r.topic), dlqTopic, alertsTopic, alertsDlqTopic];
    const compacted = slots.map((_, i) => stateTopic(i));
    // Keyed mode (the default): each pipeline's keyed topic and its state, 3 partitions each, so groups really are spread.
    const keyed = slots.map((_, i) => `${groupOf(i)}.keyed`);
    const topics = [
      ...plain.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      ...compacted.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] })),
      ...keyed.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
      ...keyed.map((topic) => ({ topic: `${topic}.state`, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] })),
    ];
    await admin.createTopics({ waitForLeaders: false, topics });
    await leadersOf(admin, topics.map((t) => t.topic), new Map(topics.map((t) => [t.topic, t.numPartitions])));
  } finally {
    await admin.disconnect();
  }
}

/**
 * The indices every pipeline would otherwise race to create at start, created
 * once up front with Sift's own setup functions (dozens of pipelines creating
 * the same 33 indices at once cost Elasticsearch ~15 s of master work).
 */
async function createIndices(): Promise<void> {
  const datasets = [...new Set(runs.flatMap((r) => datasetsOf(r.vendor)))];
  await Promise.all([
    ...datasets.map((d) => ensureDatasetIndex(es, d, id, fieldsOf(d) ?? [])),
    ...slots.map((_, slot) => ensureAlertsIndex(es, alertsIndexName(prefixOf(slot), id))),
  ]);
}

const rulesDirs: string[] = [];
function slotRulesDir(members: readonly Run[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-shipped-rules-'));
  rulesDirs.push(dir);
  members.forEach((m, i) => copyFileSync(m.rule.path, join(dir, `${i}-${basename(m.rule.path)}`)));
  // The shipped lookup tables sit beside the rules, as in rules/ (docs/rules.md "Lookup tables").
  cpSync(join(ROOT, 'rules', 'lookups'), join(dir, 'lookups'), { recursive: true });
  return dir;
}

function slotConfig(slot: number, members: readonly Run[]): Record<string, unknown> {
  return {
    kafka: {
      brokers: BROKERS,
      group_id: groupOf(slot),
      topics: members.map((m) => ({ name: m.topic, source: m.vendor })),
      dlq_topic: dlqTopic,
      create_topics: false,
    },
    elasticsearch: { node: ES_URL, namespace: id },
    // `sift rules test` judges lateness with 5m; so must the pipeline.
    rules: { dir: slotRulesDir(members), reload: false, default_lateness: '5m', state_topic: stateTopic(slot) },
    alerts: { index_prefix: prefixOf(slot), topic: alertsTopic, dlq_topic: alertsDlqTopic },
    pipeline: { shutdown_timeout_ms: 10_000 },
    telemetry: { http_port: -1, log_level: 'warn', log_format: 'json' },
  };
}

async function collectAlerts(): Promise<void> {
  const pattern = `it-shipped-${id}-s*`;
  await es.indices.refresh({ index: pattern, allow_no_indices: true });
  const r = await es.search<AlertDoc>({ index: pattern, size: 10_000, query: { match_all: {} }, _source: ['rule.id', 'sift.alert.fields', 'sift.alert.group_key', 'sift.alert.count'] });
  for (const hit of r.hits.hits) {
    const slot = Number(/-s(\d+)-/.exec(hit._index)?.[1]);
    const doc = hit._source;
    if (!doc) continue;
    const key = `${slot}|${doc.rule.id}`;
    found.set(key, [...(found.get(key) ?? []), doc]);
  }
}

beforeAll(async () => {
  const started = Date.now();
  await Promise.all([createTopics(), createIndices()]);
  // One partition per topic, one send per topic: the records keep the case's order.
  await produceExactly(runs.map((r) => ({ topic: r.topic, values: r.records })));
  const sifts = slots.map((members, slot) => ({ sift: inProcessSift(slotConfig(slot, members)), records: members.reduce((n, m) => n + m.records.length, 0) }));
  await runUntilConsumed(sifts, 150_000);
  await collectAlerts();
  deadLetters = await topicSize(dlqTopic);
  const cases = new Set(runs.map((r) => r.tc)).size;
  console.log(
    `shipped rules: ${cases} cases in ${runs.length} runs (cases of several events once per mode) through ${slots.length} pipelines in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `${skipped.length} cases skipped${skipped.length > 0 ? ` (${skipped.join('; ')})` : ''}`,
  );
}, 240_000);

afterAll(async () => {
  for (const dir of rulesDirs) rmSync(dir, { recursive: true, force: true });
  await es.indices.delete({ index: `it-shipped-${id}-s*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  await es.indices.delete({ index: `logs-*-${id}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  const keyed = slots.flatMap((_, i) => [`${groupOf(i)}.keyed`, `${groupOf(i)}.keyed.state`]);
  await admin.deleteTopics({ topics: [...runs.map((r) => r.topic), ...slots.map((_, i) => stateTopic(i)), ...keyed, dlqTopic, alertsTopic, alertsDlqTopic] }).catch(() => undefined);
  await admin.deleteGroups(slots.flatMap((_, i) => [groupOf(i), `${groupOf(i)}.detect`])).catch(() => undefined);
  await admin.disconnect();
}, 120_000);

describe('shipped rules through Kafka and the pipeline', () => {
  it('reads every shipped rule and its cases', () => {
    expect(rules.length).toBeGreaterThanOrEqual(20);
    expect(runs.length).toBeGreaterThanOrEqual(2 * 88);
  });

  it('dead-letters nothing: every raw event of every case normalizes in the pipeline', () => {
    expect(deadLetters).toBe(0);
  });

  // A rule whose every case is skipped (ECS-only test events) has no run here; the skip line names its cases.
  for (const rule of rules.filter((r) => runs.some((run) => run.rule === r))) {
    describe(rule.id, () => {
      for (const run of runs.filter((r) => r.rule === rule)) {
        it(`${run.tc.name} (${run.mode}, ${run.shape})`, () => {
          const docs = found.get(`${run.slot}|${rule.id}`) ?? [];
          const alerts = docs.map((d) => d.sift.alert.fields);
          const seen = JSON.stringify(docs.map((d) => ({ group: d.sift.alert.group_key, count: d.sift.alert.count, fields: d.sift.alert.fields })));
          expect(docs.length, `alerts of ${rule.id} in the index: ${seen}`).toBe(run.tc.count);
          expect(unmatchedAlerts(run.tc.alerts, alerts), `declared alerts no distinct alert holds; alerts: ${seen}`).toEqual([]);
        });
      }
    });
  }
});
