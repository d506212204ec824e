import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { percentiles, metric } from '../../benchmarks/live.js';
import { parseStackPids, parseStatTicks, parseStatusKb } from '../../benchmarks/e2e/proc.js';
import { AUTO_ID_ACTION, actionWithId } from '../../benchmarks/e2e/bulk-action.js';
import { ceilingMessages } from '../../benchmarks/e2e/ceiling.js';
import { planSource, prepareBatch } from '../../src/pipeline/index.js';
import { buildJson, summarize, table, upsertSection } from '../../benchmarks/e2e/report.js';
import { roundNames, type RoundResult } from '../../benchmarks/e2e/round.js';
import { rsyslogConfig } from '../../benchmarks/e2e/rsyslog.js';
import { parseTraceGc, slope, tail, traceGcCounter } from '../../benchmarks/e2e/stats.js';
import { probeOfAlert } from '../../benchmarks/e2e/latency.js';
import { fill, probeEvent, trafficPool } from '../../benchmarks/e2e/traffic.js';

// The pure parts of `npm run bench:e2e` and `npm run bench:soak`; the runs themselves need the stack and are benchmarks, not tests.

describe('/proc parsing', () => {
  it('reads utime + stime past a command name with spaces and parentheses', () => {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 11 0 99 1000 200';
    expect(parseStatTicks(stat)).toBe(1801);
  });
  it('gives undefined for a line that is not a stat line', () => {
    expect(parseStatTicks('no parenthesis here')).toBeUndefined();
  });
  it('reads VmHWM and VmRSS in MB (10^6 bytes)', () => {
    const status = 'Name:\tnode\nVmPeak:\t 2000000 kB\nVmHWM:\t  976563 kB\nVmRSS:\t  500000 kB\n';
    expect(parseStatusKb(status, 'VmHWM')).toBeCloseTo(1000.000512, 6);
    expect(parseStatusKb(status, 'VmRSS')).toBeCloseTo(512, 6);
    expect(parseStatusKb('Name:\tx\n', 'VmHWM')).toBeUndefined();
  });
  it('takes the pids of running services from scripts/stack.sh status', () => {
    const up = 'kafka          running  pid=22490   version=3.9.2    port=9092 (controller 9093)\nelasticsearch  running  pid=22651   version=8.19.21  port=9200  health=yellow\n';
    expect(parseStackPids(up)).toEqual({ kafka: 22490, es: 22651 });
    const down = 'kafka          stopped  pid=-       version=3.9.2    port=9092 (controller 9093)\nelasticsearch  running  pid=7   version=8.19.21  port=9200\n';
    expect(parseStackPids(down)).toEqual({ es: 7 });
  });
});

describe('--trace-gc parsing', () => {
  const lines = [
    '[23290:0x127ef000]       73 ms: Scavenge 4.9 (6.0) -> 4.5 (7.0) MB, pooled: 0 MB, 8.25 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
    '{"level":30,"msg":"Serving /metrics","port":9464}',
    '[23298:0x2a97e000]      856 ms: Mark-Compact 143.4 (256.6) -> 120.3 (249.5) MB, pooled: 0 MB, 51.29 / 0.00 ms  (+ 2.1 ms in 128 steps since start of marking, biggest step 0.1 ms, walltime since start of marking 196 ms) (average mu = 0.938, current mu = 0.938) finalize incremental marking via stack guard; GC in old space requested',
    '[1:0x1]  9 ms: Scavenge 1.0 (2.0) -> 0.5 (2.0) MB, 0.75 / 0.10 ms  (average mu = 1.000, current mu = 1.000) task;',
  ];
  it('sums pauses and incremental steps and skips other lines', () => {
    const t = parseTraceGc(lines.join('\n'));
    expect(t.collections).toBe(3);
    expect(t.pause_s).toBeCloseTo(0.06029, 9);
    expect(t.incremental_s).toBeCloseTo(0.0021, 9);
  });
  it('holds a line split across chunks until its end arrives', () => {
    const text = `${lines.join('\n')}\n`;
    const c = traceGcCounter();
    c.feed(text.slice(0, 100));
    expect(c.total().collections).toBe(0);
    c.feed(text.slice(100, 420));
    expect(c.total().collections).toBe(1);
    c.feed(text.slice(420));
    expect(c.total().collections).toBe(3);
    expect(c.total().pause_s).toBeCloseTo(0.06029, 9);
  });
});

describe('statistics', () => {
  it('fits a least-squares slope', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBe(2);
    // y = 10, 12, 11, 15 over x = 0..3: mean x 1.5, mean y 12; Σdxdy = 3 + 0 − 0.5 + 4.5 = 7, Σdx² = 5.
    expect(slope([{ x: 0, y: 10 }, { x: 1, y: 12 }, { x: 2, y: 11 }, { x: 3, y: 15 }])).toBeCloseTo(1.4, 12);
    expect(slope([{ x: 1, y: 1 }])).toBeUndefined();
    expect(slope([{ x: 1, y: 1 }, { x: 1, y: 2 }])).toBeUndefined();
  });
  it('keeps the last share of samples', () => {
    expect(tail([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.8)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(tail([1, 2, 3], 0.8)).toEqual([1, 2, 3]);
    expect(tail([7], 0.1)).toEqual([7]);
    expect(tail([], 0.8)).toEqual([]);
  });
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(percentiles(xs)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([5, 1, 3])).toEqual({ count: 3, p50: 3, p95: 5, p99: 5, max: 5 });
  });
  it('sums a Prometheus metric, labelled or not, and not its longer-named siblings', () => {
    const text = ['# HELP sift_nodejs_gc_duration_seconds x', 'sift_nodejs_gc_duration_seconds_sum{kind="minor"} 1.5', 'sift_nodejs_gc_duration_seconds_sum{kind="major"} 0.25', 'sift_nodejs_gc_duration_seconds_sum_other 9', 'sift_nodejs_eventloop_lag_p99_seconds 0.43'].join('\n');
    expect(metric(text, 'sift_nodejs_gc_duration_seconds_sum')).toBe(1.75);
    expect(metric(text, 'sift_nodejs_gc_duration_seconds_sum', 'kind="major"')).toBe(0.25);
    expect(metric(text, 'sift_nodejs_eventloop_lag_p99_seconds')).toBe(0.43);
  });
});

const roundOf = (contender: RoundResult['contender'], events_per_s: number, own: number, es: number, rss: number, sift?: RoundResult['sift']): RoundResult => ({
  contender,
  round: 1,
  seconds: 10,
  first_doc_s: 2,
  events_per_s,
  cpu_s: { own, es, kafka: 1 },
  peak_rss_mb: rss,
  ...(sift ? { sift } : {}),
});

describe('the --json shape', () => {
  it('has the keys issue 15 names, with rsyslog null when it was skipped', () => {
    const j = buildJson({
      byContender: {
        loader: [roundOf('loader', 10_000, 2, 20, 200), roundOf('loader', 12_000, 3, 22, 220)],
        sift: [roundOf('sift', 5_500, 20, 25, 800, { gc_metric_s: 5, loop_lag_p99_s: 0.25, heap_used_mb: 300 })],
      },
      events: 100_000,
      latency: { rate_per_s: 3850, seconds: 30, probes: 300, alert_ms: { count: 300, p50: 20, p95: 60, p99: 80, max: 90 }, searchable_ms: { count: 300, p50: 700, p95: 1200, p99: 1300, max: 1400 }, missing: { alert: 0, searchable: 0 }, lag_at_end: 12 },
      gcCrossCheck: undefined,
      extra: { events: 100_000 },
    });
    expect(Object.keys(j).slice(0, 4)).toEqual(['loader', 'rsyslog', 'sift', 'latency']);
    expect(j.rsyslog).toBeNull();
    // Loader: mean of 10,000 and 12,000; own CPU (2 + 3) / 2 s per 100,000 events = 0.025 s per 1k.
    expect(j.loader).toMatchObject({ events_per_s: 11_000, cpu_s_per_1k: 0.025, es_cpu_s_per_1k: 0.21, peak_rss_mb: 220 });
    // Sift: 5,500 / 11,000 = 0.5; 20 s / 100k = 0.2 s per 1k; GC 5 of 20 CPU s; lag 250 ms.
    expect(j.sift).toMatchObject({ events_per_s: 5500, cpu_s_per_1k: 0.2, ratio_to_loader: 0.5, peak_rss_mb: 800, gc_share: 0.25, loop_lag_p99_ms: 250 });
    expect(j.latency).toMatchObject({ alert_p99_ms: 80, searchable_p99_ms: 1300, alert_p50_ms: 20, searchable_p50_ms: 700, lag_at_end: 12 });
    expect(j['events']).toBe(100_000);
    expect(j.sift_base).toBeUndefined();
  });
  it('reports null latency when no probe ran, and CPU totals per 1k events', () => {
    const s = summarize([roundOf('rsyslog', 8000, 1, 9, 90)], 10_000);
    expect(s).toEqual({ events_per_s: 8000, cpu_s_per_1k: 0.1, events_per_s_rounds: [8000], es_cpu_s_per_1k: 0.9, kafka_cpu_s_per_1k: 0.1, total_cpu_s_per_1k: 1.1, peak_rss_mb: 90, first_doc_s: 2 });
    const j = buildJson({ byContender: { loader: [roundOf('loader', 1, 1, 1, 1)], sift: [] }, events: 10, latency: undefined, gcCrossCheck: undefined, extra: {} });
    expect(j.latency).toEqual({ alert_p99_ms: null, searchable_p99_ms: null, alert_p50_ms: null, searchable_p50_ms: null });
    expect(j.sift.gc_share).toBeNull();
  });
});

describe('the ceiling', () => {
  const loader = [roundOf('loader', 10_000, 2, 20, 200), roundOf('loader', 12_000, 3, 22, 220)];
  const sift = [roundOf('sift', 5_500, 20, 25, 800, { gc_metric_s: 5, loop_lag_p99_s: 0.25, heap_used_mb: 300 })];
  const ceiling = [roundOf('ceiling', 8_000, 2, 30, 210), roundOf('ceiling', 10_000, 2, 32, 230)];
  const build = (withCeiling: boolean) => buildJson({ byContender: { loader, sift, ...(withCeiling ? { ceiling } : {}) }, events: 100_000, latency: undefined, gcCrossCheck: undefined, extra: {} });

  it('is reported like the loader, with its ratio to the loader, and Sift gets its ratio to it', () => {
    const j = build(true);
    // Ceiling: mean of 8,000 and 10,000; 2 s own and (30 + 32) / 2 s ES per 100,000 events; 9,000 / 11,000 = 0.818….
    expect(j.ceiling).toEqual({ events_per_s: 9000, cpu_s_per_1k: 0.02, events_per_s_rounds: [8000, 10_000], es_cpu_s_per_1k: 0.31, kafka_cpu_s_per_1k: 0.01, total_cpu_s_per_1k: 0.34, peak_rss_mb: 230, first_doc_s: 2, ratio_to_loader: 0.82 });
    // 5,500 / 9,000 = 0.611…
    expect(j.sift).toMatchObject({ ratio_to_loader: 0.5, ratio_to_ceiling: 0.61 });
    // The keys issue 15 names keep their place.
    expect(Object.keys(j).slice(0, 3)).toEqual(['loader', 'rsyslog', 'sift']);
  });
  it('is absent from the JSON when no ceiling round ran, and Sift has no ratio to it', () => {
    const j = build(false);
    expect('ceiling' in j).toBe(false);
    expect(j.sift.ratio_to_ceiling).toBeNull();
  });
  it('is a row of the table, between rsyslog and Sift', () => {
    const rows = table(build(true)).split('\n');
    // Header, separator, loader, rsyslog (skipped), ceiling, Sift.
    expect(rows).toHaveLength(6);
    expect(rows[3]).toMatch(/^\| rsyslog .* \| skipped \|/);
    expect(rows[4]).toBe("| ceiling: the bare loader on Sift's documents and ids | 9,000 | 8,000, 10,000 | 0.82 | 0.020 / 0.310 / 0.010 / 0.340 | 230 |  |  |");
    expect(rows[5]).toMatch(/^\| Sift \(`sift run`/);
    expect(table(build(false)).split('\n')).toHaveLength(5);
  });
  it("writes into an index of Sift's template and alias, as Sift does", () => {
    expect(roundNames('r1', 'ceiling', 2)).toEqual({ group: 'bench-e2e-r1-ceiling-2', index: 'logs-okta.system-e2er1ceiling2', namespace: 'e2er1ceiling2' });
    expect(roundNames('r1', 'loader', 2).index).toBe('bench-e2e-r1-loader-2');
  });
  it("carries Sift's documents keyed by Sift's _id, and refuses a record that makes no document", () => {
    const plan = planSource('okta', 'bench');
    if (!plan) throw new Error('no okta plan');
    const opts = { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false };
    const asRecord = (text: string, offset: number) => ({ topic: 't', partition: 0, offset: String(offset), timestamp: '1767225600000', key: null, value: Buffer.from(text) });
    const records = [asRecord(probeEvent('probe-a', new Date('2026-01-01T00:00:00Z')), 0), asRecord(probeEvent('probe-b', new Date('2026-01-01T00:00:01Z')), 1)];
    const messages = ceilingMessages(prepareBatch(records, plan, opts), 2);
    // docs/sources.md: an Okta event's _id is sha256("okta.system\n" + uuid), base64url, first 27 characters.
    const id = (uuid: string): string => createHash('sha256').update(`okta.system\n${uuid}`).digest('base64url').slice(0, 27);
    expect(messages.map((m) => m.key)).toEqual([id('probe-a'), id('probe-b')]);
    expect(JSON.parse(messages[1]?.value ?? '')).toMatchObject({ '@timestamp': '2026-01-01T00:00:01.000Z', event: { id: 'probe-b', dataset: 'okta.system' } });
    expect(() => ceilingMessages(prepareBatch([asRecord('not json', 2)], plan, opts), 1)).toThrow(/refused a bench record \(SIFT_DECODE_/);
  });
  it('sends each document under its key as _id; the loader lets Elasticsearch pick', () => {
    expect(actionWithId('Xy3_-0aZ').toString()).toBe('{"index":{"_id":"Xy3_-0aZ"}}\n');
    expect(actionWithId('a"b\\c').toString()).toBe('{"index":{"_id":"a\\"b\\\\c"}}\n');
    expect(AUTO_ID_ACTION.toString()).toBe('{"index":{}}\n');
  });
});

describe('BENCHMARKS.md section', () => {
  const md = '# Benchmarks\n\nintro\n\n## A\n\nold a\n\n## End to end (bench:e2e)\n\nold table\n\n## C\n\nc body\n';
  it('replaces the section in place, keeping its neighbours', () => {
    expect(upsertSection(md, 'End to end (bench:e2e)', 'new table')).toBe('# Benchmarks\n\nintro\n\n## A\n\nold a\n\n## End to end (bench:e2e)\n\nnew table\n\n## C\n\nc body\n');
  });
  it('appends it when missing, and replaces a last section up to the end', () => {
    expect(upsertSection('# B\n\nx\n', 'Soak', 'flat')).toBe('# B\n\nx\n\n## Soak\n\nflat\n');
    expect(upsertSection('# B\n\n## Soak\n\nold\nlines\n', 'Soak', 'new')).toBe('# B\n\n## Soak\n\nnew\n');
  });
});

describe('rsyslog config', () => {
  it('passes the raw Kafka payload as the document, in bulks, with no system inputs', () => {
    const conf = rsyslogConfig({ brokers: ['127.0.0.1:9092'], esHost: '127.0.0.1', esPort: 9200, topic: 't.okta', group: 'g1', index: 'idx-1', dir: '/tmp/r' });
    expect(conf).toContain('property(name="rawmsg")');
    expect(conf).toContain('input(type="imkafka" topic="t.okta" broker=["127.0.0.1:9092"] consumergroup="g1"');
    expect(conf).toContain('searchIndex="idx-1" template="document" bulkmode="on" maxbytes="5m"');
    expect(conf).not.toMatch(/imuxsock|imklog|imjournal/);
  });
});

describe('probe traffic', () => {
  it('fills a pooled record with the send time and a fresh id', () => {
    const [first] = trafficPool(1, 3);
    const rec = JSON.parse(fill(first as string, new Date('2026-12-05T06:00:00.000Z'), 'run-1')) as { published: string; uuid: string };
    expect(rec).toMatchObject({ published: '2026-12-05T06:00:00.000Z', uuid: 'run-1' });
  });
  it('finds the probe id in an alert of okta.admin-role-granted, and nothing in updates or other rules', () => {
    const alert = (ruleId: string, update = false): string => JSON.stringify({ update, doc: { rule: { id: ruleId }, sift: { alert: { fields: { 'okta.debug_context.debug_data.privilegeGranted': 'probe-x-7' } } } } });
    expect(probeOfAlert(alert('okta.admin-role-granted'))).toBe('probe-x-7');
    expect(probeOfAlert(alert('okta.admin-role-granted', true))).toBeUndefined();
    expect(probeOfAlert(alert('okta.other'))).toBeUndefined();
    expect(probeOfAlert('not json')).toBeUndefined();
    expect(JSON.parse(probeEvent('probe-x-7', new Date(0)))).toMatchObject({ uuid: 'probe-x-7', eventType: 'user.account.privilege.grant', outcome: { result: 'SUCCESS' } });
  });
});
