// The Kibana panels against the live Elasticsearch (no Kibana runs here).
// What `make demo` does, small: generated Okta traffic, plus every source's
// corpus records, through `sift run` with the shipped rules; then
//  (a) every field a panel uses is in the live mapping of the indices behind
//      its data view (field_caps, as Kibana reads it), with an aggregatable type;
//  (b) each panel's aggregation, as Kibana would send it, returns buckets.
// Data views are narrowed to this test's namespace so other tests' data never
// counts. The panels that stay empty on this data are listed by hand below.
// A topic of records that cannot be decoded feeds the dead-letter panel; the
// pipeline-health index must then hold those dead letters per reason and
// batch documents adding up to the events indexed.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_VENDORS, vendorRecords } from '../../src/conformance/index.js';
import { generateOkta } from '../../src/generate/index.js';
import { DASHBOARDS, dataViews, panelFields, panelSearch, type DashboardSpec, type DataViewSpec, type PanelSpec } from '../../src/kibana/index.js';
import { CORPUS } from '../helpers/corpus.js';
import { createTopic, es, kafka, offsets, produce, ROOT, startSift, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('kib');
const vendors = Object.keys(CORPUS_VENDORS);
const topicOf = (vendor: string): string => `${names.topic}.${vendor}`;
const stateTopic = `it.state.${names.id}`;
const alertsTopic = `it.alerts.${names.id}`;
const opsIndex = `sift-ops-${names.namespace}`;
/** Records that dead-letter at decode (an Okta topic): two not JSON, one empty. */
const badTopic = `${names.topic}.bad`;
const BAD = ['{"truncated": ', 'not json at all', ''];
/** Events Sift counted as indexed in this run (read from its /metrics before it stops). */
let indexed = 0;

/** Types Kibana can aggregate on (by hand: the ES docs' doc-values types Sift maps). */
const AGGREGATABLE_TYPES = ['keyword', 'long', 'float', 'date', 'ip', 'boolean', 'geo_point'];

/**
 * Panels with no bucket on this data, and why. Everything else must return
 * at least one.
 */
const EMPTY_HERE: Readonly<Record<string, string>> = {
  'gitlab/timeline': 'the GitLab corpus events carry no event.action',
  'gitlab/actions': 'the GitLab corpus events carry no event.action',
};

/** The data view's pattern, narrowed to this test's namespace. */
function patternHere(view: DataViewSpec): string {
  if (view.alerts) return `sift-alerts-${names.namespace}`;
  if (view.ops) return opsIndex;
  if (view.pattern === 'logs-*') return `logs-*-${names.namespace}`;
  return view.pattern.split(',').map((p) => p.replace(/-\*$/, `-${names.namespace}`)).join(',');
}

const views = dataViews('sift-alerts');
const panels: { dashboard: DashboardSpec; panel: PanelSpec; index: string }[] = DASHBOARDS.flatMap((dashboard) => {
  const view = views.find((v) => v.key === dashboard.dataView);
  if (!view) throw new Error(`no data view ${dashboard.dataView}`);
  return dashboard.panels.map((panel) => {
    const own = panel.dataView === undefined ? view : views.find((v) => v.key === panel.dataView);
    if (!own) throw new Error(`no data view ${String(panel.dataView)}`);
    return { dashboard, panel, index: patternHere(own) };
  });
});
const RANGE = { from: '2000-01-01T00:00:00.000Z', to: new Date(Date.now() + 86_400_000).toISOString() };

beforeAll(async () => {
  const records = new Map<string, string[]>();
  for (const vendor of vendors) {
    records.set(vendor, vendorRecords(CORPUS, vendor));
    expect(records.get(vendor)?.length, `corpus records of ${vendor} under ${CORPUS}`).toBeGreaterThan(0);
  }
  // The demo's generator: sign-ins, brute force, privilege grants; the shipped rules alert on it.
  const generated = [...generateOkta({ count: 600, seed: 16, start: new Date(Date.now() - 600 * 2500), badRatio: 0 })];
  records.set('okta', [...(records.get('okta') ?? []), ...generated]);
  for (const [vendor, texts] of records) {
    await createTopic(topicOf(vendor), 1);
    await produce(topicOf(vendor), texts);
  }
  await createTopic(badTopic, 1);
  await produce(badTopic, BAD);
  const sift = startSift({
    kafka: { topics: [...vendors.map((v) => ({ name: topicOf(v), source: v })), { name: badTopic, source: 'okta' }], dlq_topic: names.dlq, group_id: names.group },
    elasticsearch: { namespace: names.namespace },
    // One partition per topic: local windows are exact, with no keyed topic to wait on.
    rules: { dir: join(ROOT, 'rules'), reload: false, stateful: 'local', state_topic: stateTopic },
    alerts: { topic: alertsTopic, dlq_topic: `${alertsTopic}.dlq` },
    pipeline: { shutdown_timeout_ms: 10_000 },
    telemetry: { http_port: 0 },
  });
  try {
    await waitFor(async () => {
      for (const [vendor, texts] of records) if ((await offsets(names.group, topicOf(vendor))).committed !== texts.length) return false;
      return (await offsets(names.group, badTopic)).committed === BAD.length;
    }, 90_000, 'every source topic to be committed');
    // Sift's own count of the events Elasticsearch acknowledged (sift_ingest_events_indexed_total, every dataset).
    const metrics = await (await fetch(`http://127.0.0.1:${sift.httpPort()}/metrics`)).text();
    indexed = [...metrics.matchAll(/^sift_ingest_events_indexed_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    // The pipeline-health documents are written after each batch, not before its commit: wait for the last ones.
    await waitFor(async () => (await opsSums()).events >= indexed, 30_000, 'the ops index to count every indexed event');
  } finally {
    // Committed means indexed, alerts included (written before their batch
    // commits): nothing is left to drain, and a graceful stop would add
    // seconds to a suite that runs its files one after another.
    sift.child.kill('SIGKILL');
  }
  await sift.exited;
  await es.indices.refresh({ index: `logs-*-${names.namespace},sift-alerts-${names.namespace},${opsIndex}`, ignore_unavailable: true });
}, 180_000);


/** Summed sift.ops.events of the batch documents, and sift.ops.count per error.code of the bad topic's dead-letter documents. */
async function opsSums(): Promise<{ events: number; dead: Record<string, number> }> {
  await es.indices.refresh({ index: opsIndex, ignore_unavailable: true });
  type Ops = { error?: { code: string }; sift: { ops: { kind: string; topic: string; events?: number; count?: number } } };
  const r = await es.search<Ops>({ index: opsIndex, size: 10_000, ignore_unavailable: true, allow_no_indices: true });
  let events = 0;
  const dead: Record<string, number> = {};
  for (const h of r.hits.hits) {
    const ops = h._source?.sift.ops;
    if (ops?.kind === 'batch') events += ops.events ?? 0;
    if (ops?.kind === 'dead_letter' && ops.topic === badTopic) {
      const code = h._source?.error?.code ?? '?';
      dead[code] = (dead[code] ?? 0) + (ops.count ?? 0);
    }
  }
  return { events, dead };
}

afterAll(async () => {
  await es.indices.delete({ index: `logs-*-${names.namespace}-*,sift-alerts-${names.namespace},${opsIndex}`, ignore_unavailable: true }).catch(() => undefined);
  // One request for the topics that exist: kafkajs retries a missing topic
  // for seconds, and the helper's one call per topic costs about a second each.
  const admin = kafka.admin();
  await admin.connect();
  const ours = new Set([names.dlq, ...vendors.map(topicOf), badTopic, stateTopic, alertsTopic, `${alertsTopic}.dlq`]);
  const existing = (await admin.listTopics()).filter((t) => ours.has(t) || t.startsWith(`${names.group}.`));
  if (existing.length > 0) await admin.deleteTopics({ topics: existing }).catch(() => undefined);
  await admin.disconnect();
});

describe('Kibana panels on the live Elasticsearch', () => {
  it('finds every field a panel uses in the live mapping behind its data view, aggregatable', async () => {
    const problems: string[] = [];
    for (const { dashboard, panel, index } of panels) {
      const fields = panelFields(panel);
      const caps = await es.fieldCaps({ index, fields, ignore_unavailable: true, allow_no_indices: true });
      for (const field of fields) {
        const byType = caps.fields[field];
        const types = byType ? Object.keys(byType) : [];
        if (types.length !== 1) problems.push(`${dashboard.key}/${panel.key}: ${field} has types [${types.join(', ')}] in ${index}`);
        else if (!AGGREGATABLE_TYPES.includes(types[0] ?? '') || byType?.[types[0] ?? '']?.aggregatable !== true) problems.push(`${dashboard.key}/${panel.key}: ${field} is ${types[0]}, not aggregatable`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('runs each panel\'s aggregation as Kibana sends it and gets buckets, except the panels listed as empty here', async () => {
    const empty: string[] = [];
    const failed: string[] = [];
    for (const { dashboard, panel, index } of panels) {
      const key = `${dashboard.key}/${panel.key}`;
      const search = panelSearch(panel, RANGE);
      try {
        const r = await es.search({ index, size: 0, track_total_hits: true, ignore_unavailable: true, allow_no_indices: true, ...search });
        const aggs = r.aggregations as Record<string, { buckets?: { doc_count: number }[]; value?: number | null }> | undefined;
        const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
        const buckets = panel.by.length > 0 || panel.kind === 'timeline' ? (aggs?.['b0']?.buckets ?? []).filter((b) => b.doc_count > 0).length : total > 0 && aggs?.['metric']?.value !== null ? 1 : 0;
        if (buckets === 0) empty.push(key);
      } catch (err) {
        failed.push(`${key}: ${(err as Error).message}`);
      }
    }
    expect(failed).toEqual([]);
    expect(empty.sort()).toEqual(Object.keys(EMPTY_HERE).sort());
  });

  it('holds in the pipeline-health index the dead letters fed, per reason, and batch documents adding up to the events indexed', async () => {
    const sums = await opsSums();
    expect(sums.dead).toEqual({ SIFT_DECODE_NOT_JSON: 2, SIFT_DECODE_EMPTY: 1 });
    // The corpus and the generated Okta traffic: thousands of events, every one counted once.
    expect(indexed).toBeGreaterThan(600);
    expect(sums.events).toBe(indexed);
    // Every batch document of a dataset with timed events says how late they were.
    const lagged = await es.count({ index: opsIndex, query: { bool: { filter: [{ term: { 'sift.ops.kind': 'batch' } }, { exists: { field: 'sift.ops.lag_ms' } }] } } });
    expect(lagged.count).toBeGreaterThan(0);
  });

  it('finds each alert\'s events with the query its event-id links open (KQL _id:"<id>", a match_phrase on _id)', async () => {
    const alerts = await es.search<{ sift: { alert: { event_ids: string[] } } }>({ index: `sift-alerts-${names.namespace}`, size: 100, _source: ['sift.alert.event_ids'] });
    const lists = alerts.hits.hits.map((h) => h._source?.sift.alert.event_ids ?? []);
    expect(lists.length).toBeGreaterThan(0);
    // One msearch: a search per alert, for all of its events at once.
    const searches = lists.flatMap((ids) => [
      { index: `logs-*-${names.namespace}` },
      { size: 0, track_total_hits: true, query: { bool: { should: [...new Set(ids)].map((id) => ({ match_phrase: { _id: id } })), minimum_should_match: 1 } } },
    ]);
    const found = await es.msearch({ searches });
    const totals = found.responses.map((r) => ('hits' in r ? (typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value) : -1));
    expect(totals).toEqual(lists.map((ids) => new Set(ids).size));
    expect(lists.every((ids) => ids.length > 0)).toBe(true);
  });
});
