import type { Percentiles } from '../live.js';
import type { LatencyProbe } from './latency.js';
import type { Contender, RoundResult } from './round.js';
import { mean, round } from './stats.js';

/** What `npm run bench:e2e` reports per contender, from its measured rounds. */
export interface ContenderSummary {
  events_per_s: number;
  cpu_s_per_1k: number;
  /** Extra keys. */
  events_per_s_rounds: number[];
  es_cpu_s_per_1k: number;
  kafka_cpu_s_per_1k: number;
  total_cpu_s_per_1k: number;
  peak_rss_mb: number | null;
  /** Mean time to the first counted document (start-up), s. */
  first_doc_s: number | null;
  ratio_to_loader?: number | null;
}

export interface SiftSummary extends ContenderSummary {
  ratio_to_loader: number | null;
  /** Its rate over the ceiling's (null without a ceiling round): how much of what Elasticsearch allows for its documents it reaches. */
  ratio_to_ceiling: number | null;
  gc_share: number | null;
  loop_lag_p99_ms: number | null;
  gc_metric_s: number | null;
}

/** Mean over rounds; CPU per 1,000 events of each round, then their mean. */
export function summarize(rounds: readonly RoundResult[], events: number): ContenderSummary {
  const per1k = (f: (r: RoundResult) => number): number => round(mean(rounds.map((r) => (f(r) * 1000) / events)), 4);
  const rss = rounds.flatMap((r) => (r.peak_rss_mb === undefined ? [] : [r.peak_rss_mb]));
  const firsts = rounds.flatMap((r) => (r.first_doc_s === undefined ? [] : [r.first_doc_s]));
  return {
    events_per_s: Math.round(mean(rounds.map((r) => r.events_per_s))),
    cpu_s_per_1k: per1k((r) => r.cpu_s.own),
    events_per_s_rounds: rounds.map((r) => Math.round(r.events_per_s)),
    es_cpu_s_per_1k: per1k((r) => r.cpu_s.es),
    kafka_cpu_s_per_1k: per1k((r) => r.cpu_s.kafka),
    total_cpu_s_per_1k: per1k((r) => r.cpu_s.own + r.cpu_s.es + r.cpu_s.kafka),
    peak_rss_mb: rss.length === 0 ? null : Math.round(Math.max(...rss)),
    first_doc_s: firsts.length === 0 ? null : round(mean(firsts), 1),
  };
}

/** a / b to two decimals; null when there is no b to divide by. */
const ratio = (a: number, b: number | undefined): number | null => (b === undefined || b === 0 ? null : round(a / b, 2));

/** A Sift contender: the common figures plus GC (share of its own CPU), loop lag and its ratios to the loader and the ceiling. */
export function summarizeSift(rounds: readonly RoundResult[], events: number, loaderRate: number | undefined, ceilingRate?: number): SiftSummary {
  const base = summarize(rounds, events);
  const withMetrics = rounds.filter((r) => r.sift !== undefined);
  const m = (f: (r: RoundResult) => number): number | null => (withMetrics.length === 0 ? null : mean(withMetrics.map(f)));
  const gcShare = m((r) => (r.sift?.gc_metric_s ?? 0) / Math.max(r.cpu_s.own, 1e-9));
  const lag = m((r) => (r.sift?.loop_lag_p99_s ?? 0) * 1000);
  const gc = m((r) => r.sift?.gc_metric_s ?? 0);
  return {
    ...base,
    ratio_to_loader: ratio(base.events_per_s, loaderRate),
    ratio_to_ceiling: ratio(base.events_per_s, ceilingRate),
    gc_share: gcShare === null ? null : round(gcShare, 3),
    loop_lag_p99_ms: lag === null ? null : round(lag, 1),
    gc_metric_s: gc === null ? null : round(gc, 2),
  };
}

export interface E2eJson {
  loader: ContenderSummary;
  rsyslog: ContenderSummary | null;
  sift: SiftSummary;
  sift_base?: SiftSummary;
  /** The bare loader on Sift's prepared documents and ids (ceiling.ts); absent when no ceiling round ran. */
  ceiling?: ContenderSummary;
  latency: { alert_p99_ms: number | null; searchable_p99_ms: number | null; alert_p50_ms?: number | null; searchable_p50_ms?: number | null; [k: string]: unknown };
  [extra: string]: unknown;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The --json document: the keys the issue names, extras beside them. */
export function buildJson(args: {
  byContender: Partial<Record<Contender, RoundResult[]>>;
  events: number;
  latency: LatencyProbe | undefined;
  gcCrossCheck: { gc_trace_s: number; gc_trace_incremental_s: number; gc_metric_s: number; collections: number } | undefined;
  extra: Record<string, unknown>;
}): E2eJson {
  const { byContender: by, events } = args;
  const loader = summarize(by.loader ?? [], events);
  // rsyslog and the ceiling: the common figures and the ratio to the loader, when they ran.
  const measured = (c: Contender): ContenderSummary | undefined => {
    const rounds = by[c];
    if (rounds === undefined || rounds.length === 0) return undefined;
    const s = summarize(rounds, events);
    return { ...s, ratio_to_loader: ratio(s.events_per_s, loader.events_per_s) };
  };
  const rsyslog = measured('rsyslog') ?? null;
  const ceiling = measured('ceiling');
  const sift = summarizeSift(by.sift ?? [], events, loader.events_per_s, ceiling?.events_per_s);
  const p = (x: Percentiles | undefined, q: 'p50' | 'p99'): number | null => (x === undefined ? null : finite(x[q]));
  const l = args.latency;
  return {
    loader,
    rsyslog,
    sift,
    ...(by.sift_base && by.sift_base.length > 0 ? { sift_base: summarizeSift(by.sift_base, events, loader.events_per_s, ceiling?.events_per_s) } : {}),
    ...(ceiling ? { ceiling } : {}),
    latency: {
      alert_p99_ms: p(l?.alert_ms, 'p99'),
      searchable_p99_ms: p(l?.searchable_ms, 'p99'),
      alert_p50_ms: p(l?.alert_ms, 'p50'),
      searchable_p50_ms: p(l?.searchable_ms, 'p50'),
      ...(l ? { rate_per_s: l.rate_per_s, seconds: l.seconds, probes: l.probes, missing: l.missing, lag_at_end: l.lag_at_end } : {}),
    },
    ...(args.gcCrossCheck ? { gc_cross_check: args.gcCrossCheck } : {}),
    ...args.extra,
  };
}

const num = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

const LABELS: Record<Contender, string> = {
  loader: 'bare loader (kafkajs → bulk the raw JSON)',
  rsyslog: 'rsyslog imkafka → omelasticsearch',
  ceiling: "ceiling: the bare loader on Sift's documents and ids",
  sift: 'Sift (`sift run`, defaults, shipped rules)',
  sift_base: 'Sift, --baseline checkout',
};

/** The comparison as a Markdown table (also what the terminal shows). */
export function table(j: E2eJson): string {
  const rows: string[] = [
    '| contender | events/s (mean) | per round | × bare loader | CPU s per 1k events: own / ES / Kafka / total | peak RSS MB | GC share of own CPU | loop lag p99 ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const row = (name: Contender, s: ContenderSummary | SiftSummary | null): void => {
    if (s === null) {
      rows.push(`| ${LABELS[name]} | skipped | | | | | | |`);
      return;
    }
    const ratio = name === 'loader' ? 1 : s.events_per_s / j.loader.events_per_s;
    const sift = 'gc_share' in s ? s : undefined;
    rows.push(
      `| ${LABELS[name]} | ${num(s.events_per_s)} | ${s.events_per_s_rounds.map((x) => num(x)).join(', ')} | ${num(ratio, 2)} | ${num(s.cpu_s_per_1k, 3)} / ${num(s.es_cpu_s_per_1k, 3)} / ${num(s.kafka_cpu_s_per_1k, 3)} / ${num(s.total_cpu_s_per_1k, 3)} | ${num(s.peak_rss_mb)} | ${sift ? num(sift.gc_share === null ? null : sift.gc_share * 100, 1) + ' %' : ''} | ${sift ? num(sift.loop_lag_p99_ms, 0) : ''} |`,
    );
  };
  row('loader', j.loader);
  row('rsyslog', j.rsyslog);
  if (j.ceiling) row('ceiling', j.ceiling);
  row('sift', j.sift);
  if (j.sift_base) row('sift_base', j.sift_base);
  return rows.join('\n');
}

/**
 * Replaces the `## <title>` section of a Markdown document (up to the next
 * `## ` heading) with `body`, or appends it when there is none.
 */
export function upsertSection(md: string, title: string, body: string): string {
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l === heading);
  if (start < 0) return `${md.trimEnd()}\n\n${section}`;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  const after = lines.slice(end).join('\n');
  return `${lines.slice(0, start).join('\n')}\n${section}${after.length > 0 ? `\n${after}` : ''}`;
}
