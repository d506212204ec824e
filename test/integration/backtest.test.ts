/**
 * `sift rules backtest` against the real Elasticsearch, run as users run it
 * (the built CLI, a config file):
 * - a hand-written history with one planted brute force (five failed sign-ins
 *   then a success for alice@example.com on 2026-03-10) and noise that must
 *   not fire (four failures then a success; five failures whose success comes
 *   after the rule's 10 minutes): exactly the planted alert, whose id is
 *   computed here by hand from the rule id, group and window start;
 * - --json's shape, --write's marking, a rule that does not compile, a bad --from;
 * - the acceptance check: generated Okta traffic through a real `sift run`
 *   (Kafka, keyed detection, the shipped rules), then a backtest of the rules
 *   that fired over the same range, compared by alert id with the alerts index.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsOf } from '../../src/ecs/index.js';
import { generateOkta, produceRecords } from '../../src/generate/index.js';
import { ensureDatasetIndex } from '../../src/ingest/index.js';
import { readNewTermsSeed } from '../../src/pipeline/new-terms-seed.js';
import { loadRules } from '../../src/rules/index.js';
import { inProcessSift, runUntilConsumed } from '../helpers/pipelines.js';
import { BROKERS, ES_URL, ROOT, createTopic, es, kafka, produce, uniqueNames } from '../helpers/stack.js';

const dir = mkdtempSync(join(tmpdir(), 'sift-backtest-'));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sift(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'dist/src/main.js'), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

function configFile(name: string, config: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** sha256("<rule id>\n<group key>\n<window start ms>"): the alert id docs/alerts.md defines, by hand. */
const alertIdByHand = (rule: string, group: string, windowStart: string): string => createHash('sha256').update(`${rule}\n${group}\n${Date.parse(windowStart)}`).digest('hex');

function signIn(id: string, at: string, user: string, outcome: 'success' | 'failure', country?: string): { id: string; doc: Record<string, unknown> } {
  return {
    id,
    doc: {
      '@timestamp': at,
      event: { kind: 'event', dataset: 'okta.system', module: 'okta', action: 'user.session.start', outcome, category: ['authentication', 'session'], type: ['start'] },
      user: { name: user },
      source: { ip: '198.51.100.23' },
      ...(country === undefined ? {} : { client: { geo: { country_name: country } } }),
    },
  };
}

/** The document as sift run indexes an event dated beyond its record's time + rules.max_future_skew. */
function future(h: { id: string; doc: Record<string, unknown> }): { id: string; doc: Record<string, unknown> } {
  return { id: h.id, doc: { ...h.doc, tags: ['future_timestamp'] } };
}

const planted = uniqueNames('btplant');
const BRUTE = 'okta.brute-force-then-success';
const NEW_COUNTRY = 'okta.sign-in-from-new-country';
/** alice: five failures then a success within 10 minutes (fires); bob: four then a success; carol: the success 11 minutes after her first failure. */
const HISTORY = [
  ...['09:00:05', '09:00:20', '09:00:41', '09:01:02', '09:01:30'].map((t, i) => signIn(`alice-f${i}`, `2026-03-10T${t}.000Z`, 'alice@example.com', 'failure')),
  signIn('alice-ok', '2026-03-10T09:02:10.000Z', 'alice@example.com', 'success'),
  ...['11:00:00', '11:00:30', '11:01:00', '11:01:30'].map((t, i) => signIn(`bob-f${i}`, `2026-03-10T${t}.000Z`, 'bob@example.com', 'failure')),
  signIn('bob-ok', '2026-03-10T11:02:00.000Z', 'bob@example.com', 'success'),
  ...['13:00:00', '13:00:30', '13:01:00', '13:01:30', '13:02:00'].map((t, i) => signIn(`carol-f${i}`, `2026-03-10T${t}.000Z`, 'carol@example.com', 'failure')),
  signIn('carol-ok', '2026-03-10T13:11:00.000Z', 'carol@example.com', 'success'),
  // new_terms: alice's and bob's countries in the days before, then on the day one known and one new country each way.
  signIn('alice-nl-1', '2026-03-05T08:00:00.000Z', 'alice@example.com', 'success', 'Netherlands'),
  signIn('alice-nl-2', '2026-03-08T08:00:00.000Z', 'alice@example.com', 'success', 'Netherlands'),
  signIn('bob-de', '2026-03-06T08:00:00.000Z', 'bob@example.com', 'success', 'Germany'),
  // alice's first sign-in of the day is the new country: without the seed it would only start her baseline (and NL would alert).
  signIn('alice-br', '2026-03-10T15:00:00.000Z', 'alice@example.com', 'success', 'Brazil'),
  signIn('alice-nl-3', '2026-03-10T15:30:00.000Z', 'alice@example.com', 'success', 'Netherlands'),
  signIn('bob-de-2', '2026-03-10T16:00:00.000Z', 'bob@example.com', 'success', 'Germany'),
  // erin: five failures and a success, but the success was dated beyond its record's time (sift run tagged it
  // future_timestamp): such an event reaches single-event rules only, so her sequence never completes.
  ...['14:00:00', '14:00:20', '14:00:40', '14:01:00', '14:01:20'].map((t, i) => signIn(`erin-f${i}`, `2026-03-10T${t}.000Z`, 'erin@example.com', 'failure')),
  future(signIn('erin-ok', '2026-03-10T14:02:00.000Z', 'erin@example.com', 'success')),
  // Outside [from, to): a brute force the next day must not be read.
  ...['09:00:00', '09:00:10', '09:00:20', '09:00:30', '09:00:40'].map((t, i) => signIn(`dave-f${i}`, `2026-03-11T${t}.000Z`, 'dave@example.com', 'failure')),
  signIn('dave-ok', '2026-03-11T09:01:00.000Z', 'dave@example.com', 'success'),
];
const PLANTED_ID = alertIdByHand(BRUTE, '["alice@example.com"]', '2026-03-10T09:00:05.000Z');
const plantedConfig = (): string =>
  configFile('planted', { elasticsearch: { node: ES_URL, namespace: planted.namespace }, alerts: { index_prefix: `it-bt-${planted.id}` } });
const range = ['--from', '2026-03-10', '--to', '2026-03-11T00:00:00Z'];

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await es.indices.delete({ index: `logs-okta.system-${planted.namespace}-*,it-bt-${planted.id}-*`, ignore_unavailable: true }).catch(() => undefined);
});

describe('sift rules backtest over a planted history', () => {
  beforeAll(async () => {
    const alias = await ensureDatasetIndex(es, 'okta.system', planted.namespace, fieldsOf('okta.system') ?? []);
    await es.bulk({ refresh: true, operations: HISTORY.flatMap((h) => [{ create: { _index: alias, _id: h.id } }, h.doc]) });
  }, 60_000);

  it('finds exactly the planted alerts (a brute force; a new_terms rule added after the history: only the new country), with --json in its documented shape', async () => {
    const r = await sift(['rules', 'backtest', BRUTE, NEW_COUNTRY, ...range, '--config', plantedConfig(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(
      ['rules', 'from', 'to', 'indices', 'missing_indices', 'events', 'future', 'seconds', 'events_per_s', 'alerts', 'alerts_per_day', 'alert_ids', 'first_alerts'].sort(),
    );
    expect(out).toMatchObject({
      rules: [BRUTE, NEW_COUNTRY],
      from: '2026-03-10T00:00:00.000Z',
      to: '2026-03-11T00:00:00.000Z',
      indices: [`logs-okta.system-${planted.namespace}`],
      missing_indices: [],
      events: 26,
      future: 1,
      alerts: 2,
      alerts_per_day: { '2026-03-10': 2 },
      // In the order raised. NL (alice's) and DE (bob's) are in the history before the range: no alert.
      alert_ids: [PLANTED_ID, alertIdByHand(NEW_COUNTRY, '["alice@example.com","Brazil"]', '2026-03-10T15:00:00.000Z')],
    });
    const [alert] = out.first_alerts as { rule: { id: string }; sift: { alert: { id: string; group: unknown; count: number; event_ids: string[]; window_start: string } } }[];
    expect(alert?.rule.id).toBe(BRUTE);
    expect(alert?.sift.alert).toMatchObject({ id: PLANTED_ID, group: { 'user.name': 'alice@example.com' }, count: 6, window_start: '2026-03-10T09:00:05.000Z' });
    expect(alert?.sift.alert.event_ids).toEqual(['alice-f0', 'alice-f1', 'alice-f2', 'alice-f3', 'alice-f4', 'alice-ok']);
  });

  it('writes nothing without --write; --write indexes the alert marked as a backtest result', async () => {
    const index = `it-bt-${planted.id}-${planted.namespace}`;
    expect(await es.indices.exists({ index })).toBe(false);
    const first = await sift(['rules', 'backtest', BRUTE, ...range, '--config', plantedConfig(), '--json', '--write']);
    expect(first.code, first.stderr).toBe(0);
    const written = (JSON.parse(first.stdout) as { written: { run_id: string; index: string; written: number; present: number; failed: string[] } }).written;
    expect(written).toMatchObject({ index, written: 1, present: 0, failed: [] });
    const doc = await es.get<{ sift: { alert: { id: string; backtest: boolean; backtest_run: string } } }>({ index, id: PLANTED_ID });
    expect(doc._source?.sift.alert).toMatchObject({ id: PLANTED_ID, backtest: true, backtest_run: written.run_id });
    // The marking is mapped: analysts can filter on it.
    const marked = await es.count({ index, query: { term: { 'sift.alert.backtest': true } } });
    expect(marked.count).toBe(1);
    // A second --write finding ids already there is the acceptance test's (below): present, untouched.
  });

  it('a rule that does not compile is a located error and exit 1', async () => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, ['id: it.broken', 'name: broken', 'version: 1', 'severity: low', 'risk_score: 10', 'scope:', '  datasets: [okta.system]', 'detection:', '  sel:', '    no.such.field: x', 'condition: sel', ''].join('\n'));
    const r = await sift(['rules', 'backtest', file, ...range, '--config', plantedConfig()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.yml:\d+:\d+/);
    expect(r.stdout).toBe('');
  });

  it('new_terms: the seed read from history before the range holds exactly its (group, term) pairs, and bounds say where they stopped', async () => {
    const rule = loadRules([join(ROOT, 'rules', 'okta', `${NEW_COUNTRY}.yml`)], { tests: false }).rules[0];
    if (rule === undefined) throw new Error('shipped rule not loaded');
    const end = Date.parse('2026-03-10T00:00:00.000Z');
    const r = await readNewTermsSeed(es, rule, planted.namespace, end, { timeoutMs: 20_000, maxTerms: 1000 });
    expect(r?.bound).toBeUndefined();
    expect(Object.fromEntries(r?.seed.tuples ?? [])).toEqual({
      '["alice@example.com","Netherlands"]': [Date.parse('2026-03-05T08:00:00.000Z'), Date.parse('2026-03-08T08:00:00.000Z')],
      '["bob@example.com","Germany"]': [Date.parse('2026-03-06T08:00:00.000Z'), Date.parse('2026-03-06T08:00:00.000Z')],
    });
    expect([...(r?.seed.groups.keys() ?? [])].sort()).toEqual(['["alice@example.com"]', '["bob@example.com"]']);
    const bounded = await readNewTermsSeed(es, rule, planted.namespace, end, { timeoutMs: 20_000, maxTerms: 1 });
    expect(bounded).toMatchObject({ terms: 1, bound: 'max_terms', after: { f0: 'alice@example.com', f1: 'Netherlands' } });
  });

  it('an unparseable --from is a usage error naming the option', async () => {
    const r = await sift(['rules', 'backtest', BRUTE, '--from', '2026-02-30', '--to', 'now', '--config', plantedConfig()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from must be a time');
  });
});

const demo = uniqueNames('btdemo');
const seeded = uniqueNames('btseed');
const COUNT = 6000;
const START = Date.parse('2026-02-01T00:00:00.000Z');
const topicsOf = (n: ReturnType<typeof uniqueNames>): string[] => [n.topic, n.dlq, `${n.topic}.state`, `${n.topic}.alerts`, `${n.topic}.alerts.dlq`, `${n.group}.keyed`, `${n.group}.keyed.state`];
let pipelinesRan = false;
/**
 * Five failed sign-ins of one user 30 s apart, then a success, as three pages of two. After the
 * generated history (about 2.5 s per event, so some 4.2 h): produced last, they must also come
 * last in event time, or each partition would call them late (sift run drops late events from
 * windows; the backtest reads them in place: docs/keyed-order.md).
 */
const PAGED: string[][] = [0, 1, 2].map((page) =>
  [0, 1].map((i) => {
    const n = page * 2 + i;
    return oktaSignIn(`paged-${n}`, new Date(START + 6 * 3_600_000 + n * 30_000).toISOString(), 'paged@example.com', 'Netherlands', n < 5 ? 'FAILURE' : 'SUCCESS');
  }),
);

afterAll(async () => {
  if (!pipelinesRan) return;
  await es.indices.delete({ index: `logs-*-${demo.namespace}-*,logs-*-${seeded.namespace}-*,it-bt-${demo.id}-*,it-bt-${seeded.id}-*`, ignore_unavailable: true }).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  for (const topic of [...topicsOf(demo), ...topicsOf(seeded)]) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.deleteGroups([demo.group, `${demo.group}.detect`, seeded.group, `${seeded.group}.detect`]).catch(() => undefined);
  await admin.disconnect();
}, 60_000);

/** `sift run`'s config for one of this file's pipelines: keyed detection (the default), its own names. */
function runConfig(n: ReturnType<typeof uniqueNames>, rulesDir?: string): Record<string, unknown> {
  return {
    kafka: { brokers: BROKERS, group_id: n.group, topics: [{ name: n.topic, source: 'okta' }], dlq_topic: n.dlq },
    elasticsearch: { node: ES_URL, namespace: n.namespace },
    rules: { ...(rulesDir === undefined ? {} : { dir: rulesDir }), reload: false, state_topic: `${n.topic}.state` },
    alerts: { index_prefix: `it-bt-${n.id}`, topic: `${n.topic}.alerts`, dlq_topic: `${n.topic}.alerts.dlq` },
    pipeline: { shutdown_timeout_ms: 10_000 },
    telemetry: { http_port: -1, log_level: 'info', log_format: 'json' },
  };
}

/** A raw Okta System Log sign-in (the LogEvent shape), as a vendor would produce it. */
function oktaSignIn(uuid: string, published: string, login: string, country: string, result: 'SUCCESS' | 'FAILURE' = 'SUCCESS'): string {
  return JSON.stringify({
    uuid,
    published,
    eventType: 'user.session.start',
    displayMessage: 'User login to Okta',
    severity: 'INFO',
    version: '0',
    actor: { id: `00u${login.length}`, type: 'User', alternateId: login, displayName: login },
    client: { ipAddress: '198.51.100.23', geographicalContext: { city: 'Somewhere', country } },
    outcome: { result },
    transaction: { type: 'WEB', id: `tx-${uuid}` },
  });
}

/** Alert ids in a pipeline's alerts index, by rule id, sorted. */
async function alertsByRule(n: ReturnType<typeof uniqueNames>): Promise<Map<string, string[]>> {
  const index = `it-bt-${n.id}-${n.namespace}`;
  await es.indices.refresh({ index });
  const raised = await es.search<{ rule: { id: string } }>({ index, size: 10_000, _source: ['rule.id'], query: { match_all: {} } });
  const out = new Map<string, string[]>();
  for (const h of raised.hits.hits) if (h._source && h._id) out.set(h._source.rule.id, [...(out.get(h._source.rule.id) ?? []), h._id].sort());
  return out;
}

const now = Date.now();
const ago = (ms: number): string => new Date(now - ms).toISOString();
const DAY_MS = 86_400_000;
const BRAZIL_AT = ago(10 * 60_000);
let seededLogs = '';

describe('through sift run (real Kafka and Elasticsearch)', () => {
  // Both pipelines run side by side (one start-up and shutdown): the demo-like flow, and a
  // new_terms rule started after a history it never saw live.
  beforeAll(async () => {
    pipelinesRan = true;
    // History in the seeded namespace: alice signed in from NL 3 and 1 days ago, bob from DE 2 days ago.
    const alias = await ensureDatasetIndex(es, 'okta.system', seeded.namespace, fieldsOf('okta.system') ?? []);
    const history = [signIn('h1', ago(3 * DAY_MS), 'alice@example.com', 'success', 'Netherlands'), signIn('h2', ago(DAY_MS), 'alice@example.com', 'success', 'Netherlands'), signIn('h3', ago(2 * DAY_MS), 'bob@example.com', 'success', 'Germany')];
    await es.bulk({ refresh: true, operations: history.flatMap((h) => [{ create: { _index: alias, _id: h.id } }, h.doc]) });
    // Three source partitions for the demo flow, as `make demo` has: a backlog reaches each keyed
    // partition one source partition's fetch at a time, so its groups' events arrive out of time
    // order; the keyed reorder (docs/keyed-order.md) applies them in event time, as the backtest
    // reads them. Without it (rules.keyed_reorder.enabled: false) this test fails: measured, 1 of
    // the 8 brute forces raised at default lateness.
    await Promise.all([createTopic(demo.topic, 3), createTopic(seeded.topic, 1)]);
    await produceRecords({ kafka, topic: demo.topic, rate: 0, records: generateOkta({ count: COUNT, seed: 16, start: new Date(START), badRatio: 0 }) });
    // Multi-event records: a brute force as three System Log API pages (JSON arrays), one per
    // source partition (keyless: round robin), the success in the last page.
    await produce(demo.topic, PAGED.map((page) => `[${page.join(',')}]`));
    // alice's first sign-in after the start is from Brazil (new to her history), then NL (known); bob's DE (known).
    await produce(seeded.topic, [oktaSignIn('s1', BRAZIL_AT, 'alice@example.com', 'Brazil'), oktaSignIn('s2', ago(9 * 60_000), 'alice@example.com', 'Netherlands'), oktaSignIn('s3', ago(8 * 60_000), 'bob@example.com', 'Germany')]);
    const rulesDir = mkdtempSync(join(dir, 'rules-'));
    copyFileSync(join(ROOT, 'rules', 'okta', `${NEW_COUNTRY}.yml`), join(rulesDir, `${NEW_COUNTRY}.yml`));
    const seededRun = inProcessSift(runConfig(seeded, rulesDir));
    await runUntilConsumed(
      [
        { sift: inProcessSift(runConfig(demo)), records: COUNT + PAGED.length },
        { sift: seededRun, records: 3 },
      ],
      120_000,
    );
    seededLogs = seededRun.logs();
  }, 180_000);

  it('acceptance: a backtest over the demo history finds the alerts sift run raised, id for id, rule by rule', async () => {
    const live = await alertsByRule(demo);
    // The generator plants brute force, privilege grants, MFA resets and a threat detection: several rules, stateful ones among them.
    expect(live.size).toBeGreaterThanOrEqual(3);
    expect(live.has(BRUTE)).toBe(true);
    const r = await sift(['rules', 'backtest', ...live.keys(), '--from', new Date(START).toISOString(), '--to', 'now', '--config', configFile('demo', runConfig(demo)), '--json', '--first', '100000', '--write']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      events: number;
      alert_ids: string[];
      first_alerts: { rule: { id: string }; sift: { alert: { id: string; group_key: string; window_start: string } } }[];
      written: { written: number; present: number };
    };
    expect(out.events).toBe(COUNT + PAGED.flat().length);
    // The paged brute force: five failures then the success, in three records on three partitions, one alert.
    expect(out.first_alerts.filter((a) => a.rule.id === BRUTE && a.sift.alert.group_key === '["paged@example.com"]')).toHaveLength(1);
    // --write into the index sift run filled: every id is already there, and none is overwritten or marked.
    const total = [...live.values()].flat().length;
    expect(out.written).toMatchObject({ written: 0, present: total });
    const marked = await es.count({ index: `it-bt-${demo.id}-${demo.namespace}`, query: { term: { 'sift.alert.backtest': true } } });
    expect(marked.count).toBe(0);
    const found = new Map<string, string[]>();
    for (const a of out.first_alerts) found.set(a.rule.id, [...(found.get(a.rule.id) ?? []), a.sift.alert.id].sort());
    // Rule by rule, so a difference names its rule and the alerts on each side.
    const differences = [...new Set([...live.keys(), ...found.keys()])].flatMap((rule) => {
      const a = live.get(rule) ?? [];
      const b = found.get(rule) ?? [];
      const onlyLive = a.filter((id) => !b.includes(id));
      const onlyBacktest = out.first_alerts.filter((x) => x.rule.id === rule && !a.includes(x.sift.alert.id)).map((x) => `${x.sift.alert.group_key}@${x.sift.alert.window_start}`);
      return onlyLive.length + onlyBacktest.length === 0 ? [] : [`${rule}: ${a.length} live, ${b.length} backtest; only live: ${onlyLive.join(', ')}; only backtest: ${onlyBacktest.join(', ')}`];
    });
    expect(differences).toEqual([]);
    expect([...out.alert_ids].sort()).toEqual([...live.values()].flat().sort());
  });

  it('sift run seeds a new_terms rule from history: nothing for countries history holds, one alert for the new one, though it is the first sight after the start', async () => {
    expect(seededLogs).toMatch(/"rule":"okta\.sign-in-from-new-country","terms":2,"groups":2[^\n]*New-terms rule seeded from history/);
    const live = await alertsByRule(seeded);
    expect([...live]).toEqual([[NEW_COUNTRY, [alertIdByHand(NEW_COUNTRY, '["alice@example.com","Brazil"]', BRAZIL_AT)]]]);
  });
});
