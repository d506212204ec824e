/**
 * Everything the evaluate loop needs about one rule, decided once at (re)load:
 * its kind, getters, window parameters, the fields its samples keep, and the
 * fingerprint that tells whether a reloaded rule may keep its window state.
 */
import { hash } from 'node:crypto';
import { getter } from '../compile/index.js';
import type { CompiledRule, FieldGetter } from '../compile/types.js';
import { MAX_STEPS, type ProjectedField, type TravelParams } from '../state/index.js';

export const RuleKind = {
  match: 'match',
  threshold: 'threshold',
  cardinality: 'cardinality',
  sequence: 'sequence',
  newTerms: 'new_terms',
  travel: 'travel',
} as const;
export type RuleKind = (typeof RuleKind)[keyof typeof RuleKind];

export interface RulePlan {
  readonly rule: CompiledRule;
  readonly id: string;
  /** id + version + generated source: equal fingerprints may share window state. */
  readonly fingerprint: string;
  readonly kind: RuleKind;
  /** Group-by (sequence: `by`) field names and getters, in order. */
  readonly groupFields: readonly string[];
  readonly groupGetters: readonly FieldGetter[];
  /** cardinality: [field]; new_terms: the term fields; travel: [location]. */
  readonly valueFields: readonly string[];
  readonly valueGetters: readonly FieldGetter[];
  readonly count: number;
  /** threshold/cardinality/travel window, sequence maxspan, new_terms history (ms). */
  readonly spanMs: number;
  readonly stepCounts: readonly number[];
  /** travel: speed, distance and window. */
  readonly travel: TravelParams | undefined;
  /** Sequence buffer bound: 4 × the total step count. */
  readonly bufferCap: number;
  /** Largest lateness over the rule's datasets: what pruning and TTL must allow for. */
  readonly latenessMs: number;
  readonly sampleFields: readonly ProjectedField[];
  /**
   * Keyed mode: what a keyed record of this rule carries (the sample fields
   * plus the suppression fields), and for a single-event rule with
   * suppression, the getters of its suppression group (its routing key).
   */
  readonly keyedFields: readonly ProjectedField[];
  readonly suppressGetters: readonly FieldGetter[] | undefined;
  /** Set when the rule is quarantined; the loop checks it because a batch holds the old index. */
  disabled: boolean;
}

/**
 * What src/alerts/alert.ts reads from the last sample event (entities), so a
 * projection keeps them; group and output fields are added per rule.
 */
const ENTITY_FIELDS = ['user.name', 'user.email', 'user.id', 'user.target.name', 'user.target.email', 'source.ip', 'client.ip', 'host.name'] as const;

export function fingerprintOf(rule: CompiledRule): string {
  return hash('sha1', `${rule.spec.id}\n${rule.spec.version}\n${rule.source}`, 'hex').slice(0, 16);
}

/** The `event` block's fields project() copies into every projection (state/project.ts). */
const ALWAYS_PROJECTED = new Set(['event.kind', 'event.dataset', 'event.module', 'event.action', 'event.outcome']);

function sampleFields(fields: readonly (readonly [string, FieldGetter])[]): ProjectedField[] {
  const seen = new Set<string>();
  const out: ProjectedField[] = [];
  for (const [path, get] of fields) {
    // project() always keeps these; any other event.* field (provider, type, category…) is projected like the rest.
    if (seen.has(path) || path === '@timestamp' || ALWAYS_PROJECTED.has(path)) continue;
    seen.add(path);
    out.push({ path, segments: path.split('.'), get });
  }
  return out;
}

/** The plan, or the reason the rule cannot run (the engine quarantines it). */
export function planRule(rule: CompiledRule, latenessOf: (dataset: string) => number): RulePlan | Error {
  const spec = rule.spec;
  const agg = spec.aggregation;
  const lateness = Math.max(0, ...spec.datasets.map(latenessOf));
  let kind: RuleKind = RuleKind.match;
  let groupFields: readonly string[] = [];
  let valueFields: readonly string[] = [];
  let count = 1;
  let spanMs = 0;
  let stepCounts: number[] = [];
  if (agg?.type === 'threshold') [kind, groupFields, count, spanMs] = [RuleKind.threshold, agg.groupBy, agg.count, agg.windowMs];
  else if (agg?.type === 'cardinality') [kind, groupFields, valueFields, count, spanMs] = [RuleKind.cardinality, agg.groupBy, [agg.field], agg.count, agg.windowMs];
  else if (agg?.type === 'new_terms') [kind, groupFields, valueFields, spanMs] = [RuleKind.newTerms, agg.groupBy, agg.fields, agg.historyMs];
  else if (agg?.type === 'travel') [kind, groupFields, valueFields, spanMs] = [RuleKind.travel, agg.groupBy, [agg.location], agg.windowMs];
  else if (agg?.type === 'sequence') {
    [kind, groupFields, spanMs] = [RuleKind.sequence, agg.by, agg.maxspanMs];
    stepCounts = agg.steps.map((s) => Math.max(1, s.count));
    if (stepCounts.length > MAX_STEPS) return new Error(`sequence has ${stepCounts.length} steps; at most ${MAX_STEPS} are supported`);
    if (rule.steps.length !== stepCounts.length) return new Error(`compiled rule has ${rule.steps.length} step predicates for ${stepCounts.length} steps`);
  }
  if (rule.groupBy.length !== groupFields.length) return new Error(`compiled rule has ${rule.groupBy.length} group getters for ${groupFields.length} group fields`);
  if (rule.output.length !== spec.outputFields.length) return new Error(`compiled rule has ${rule.output.length} output getters for ${spec.outputFields.length} output fields`);
  // The compiler's reader, so that these fields read exactly as the rule's own tests do.
  const valueGetters = valueFields.map(getter);
  const projected: (readonly [string, FieldGetter])[] = [
    ...groupFields.map((f, i) => [f, rule.groupBy[i] as FieldGetter] as const),
    ...valueFields.map((f, i) => [f, valueGetters[i] as FieldGetter] as const),
    ...spec.outputFields.map((f, i) => [f, rule.output[i] as FieldGetter] as const),
    ...ENTITY_FIELDS.map((f) => [f, getter(f)] as const),
  ];
  const suppressFields = spec.suppression?.groupBy ?? [];
  const suppressGetters = suppressFields.map(getter);
  const sample = sampleFields(projected);
  return {
    rule,
    id: spec.id,
    fingerprint: fingerprintOf(rule),
    kind,
    groupFields,
    groupGetters: rule.groupBy,
    valueFields,
    valueGetters,
    count: Math.max(1, count),
    spanMs,
    stepCounts,
    travel: agg?.type === 'travel' ? { maxSpeedKmh: agg.maxSpeedKmh, minDistanceKm: agg.minDistanceKm, windowMs: agg.windowMs } : undefined,
    bufferCap: 4 * stepCounts.reduce((a, b) => a + b, 0),
    latenessMs: lateness,
    sampleFields: sample,
    keyedFields: sampleFields([...projected, ...suppressFields.map((f, i) => [f, suppressGetters[i] as FieldGetter] as const)]),
    suppressGetters: kind === RuleKind.match && spec.suppression !== undefined ? suppressGetters : undefined,
    disabled: false,
  };
}
