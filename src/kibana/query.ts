/**
 * The Elasticsearch search a panel makes, written as Kibana's Lens sends it
 * for a formBased layer: the layer's query and the time range as filters,
 * one `terms` per breakdown field (outermost first), `date_histogram` on
 * `@timestamp` inside for a timeline, and the metric innermost. Lens's "auto"
 * interval becomes a `fixed_interval` sized to the time range, as Kibana
 * resolves it before sending (this ES has no `auto_date_histogram`, and
 * Kibana does not use it). Used by the tests that run every panel on live data.
 */
import type { Metric, PanelSpec } from './spec.js';

export interface TimeRange {
  readonly from: string;
  readonly to: string;
}

type Agg = Record<string, unknown>;

/** Kibana's bucket target is about 50 bars; this picks the first interval giving at most 100. */
const INTERVALS: readonly (readonly [string, number])[] = [
  ['1m', 60_000],
  ['5m', 300_000],
  ['30m', 1_800_000],
  ['1h', 3_600_000],
  ['3h', 10_800_000],
  ['12h', 43_200_000],
  ['1d', 86_400_000],
  ['7d', 604_800_000],
  ['30d', 2_592_000_000],
  ['365d', 31_536_000_000],
];

export function fixedInterval(range: TimeRange): string {
  const span = Date.parse(range.to) - Date.parse(range.from);
  return (INTERVALS.find(([, ms]) => span / ms <= 100) ?? INTERVALS[INTERVALS.length - 1] ?? ['365d'])[0];
}

function metricAgg(metric: Metric): Agg | undefined {
  if (metric.op === 'count') return undefined;
  if (metric.op === 'unique_count') return { cardinality: { field: metric.field } };
  return metric.op === 'sum' ? { sum: { field: metric.field } } : { max: { field: metric.field } };
}

/** The `query` and `aggs` of the request; `aggs.b0` is the outermost bucket aggregation. */
export function panelSearch(panel: PanelSpec, range: TimeRange): { query: Agg; aggs: Agg } {
  const metric = panel.metric ?? { op: 'count' };
  const leaf = metricAgg(metric);
  let inner: Agg | undefined = leaf ? { metric: leaf } : undefined;
  if (panel.kind === 'timeline') {
    const histogram = {
      date_histogram: { field: '@timestamp', fixed_interval: fixedInterval(range), time_zone: 'UTC', min_doc_count: 0, extended_bounds: { min: Date.parse(range.from), max: Date.parse(range.to) } },
      ...(inner ? { aggs: inner } : {}),
    };
    inner = { [`b${panel.by.length}`]: histogram };
  }
  for (let i = panel.by.length - 1; i >= 0; i--) {
    const terms = { field: panel.by[i], size: panel.size ?? 10, order: leaf ? { metric: 'desc' } : { _count: 'desc' } };
    // A terms bucket ordered by its metric needs that metric directly beneath it.
    const below: Agg = { ...(inner ?? {}), ...(leaf && !(inner && 'metric' in inner) ? { metric: leaf } : {}) };
    inner = { [`b${i}`]: { terms, ...(Object.keys(below).length > 0 ? { aggs: below } : {}) } };
  }
  const filter: Agg[] = [{ range: { '@timestamp': { gte: range.from, lte: range.to, format: 'strict_date_optional_time' } } }];
  for (const w of panel.where ?? []) filter.push({ terms: { [w.field]: [...w.values] } });
  return { query: { bool: { filter } }, aggs: inner ?? {} };
}
