/**
 * Hand-built CompiledRule objects for the runtime and state tests: plain
 * predicates and getters instead of the compiler's output, so these tests do
 * not depend on the compiler.
 */
import type { EcsEvent, JsonValue } from '../../../src/ecs/index.js';
import type { CompiledRule, FieldGetter, Predicate } from '../../../src/rules/compile/types.js';
import type { DetectInput } from '../../../src/rules/runtime/index.js';
import type { Aggregation, RuleSpec } from '../../../src/rules/spec/types.js';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const SEC = 1000;
export const MIN = 60 * SEC;

/** A dotted-path reader, as the compiler's getters behave. */
export function get(path: string): FieldGetter {
  const keys = path.split('.');
  return (event) => {
    let cur: unknown = event;
    for (const k of keys) {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[k];
    }
    return cur;
  };
}

export interface EventOpts {
  /** ms after T0 */
  at: number;
  action?: string;
  outcome?: 'success' | 'failure';
  dataset?: string;
  user?: string;
  ip?: string;
  extra?: Record<string, JsonValue>;
}

export function event(o: EventOpts): EcsEvent {
  const e: EcsEvent = {
    '@timestamp': new Date(T0 + o.at).toISOString(),
    event: { kind: 'event', dataset: o.dataset ?? 'okta.system', module: 'okta', action: o.action ?? 'user.session.start' },
    ...(o.extra ?? {}),
  };
  if (o.outcome !== undefined) e.event.outcome = o.outcome;
  if (o.user !== undefined) e.user = { name: o.user };
  if (o.ip !== undefined) e.source = { ip: o.ip };
  return e;
}

let nextOffset = 0;
/** An input with a fresh increasing offset unless one is given. */
export function input(e: EcsEvent, id?: string, offset?: number): DetectInput {
  const off = offset ?? nextOffset++;
  return { event: e, id: id ?? `id-${off}`, offset: String(off) };
}

/** Inputs with offsets 0..n-1 and ids e0..en-1. */
export function inputs(events: readonly EcsEvent[], firstOffset = 0): DetectInput[] {
  return events.map((e, i) => ({ event: e, id: `e${firstOffset + i}`, offset: String(firstOffset + i) }));
}

export const isFailure: Predicate = (e) => e.event.outcome === 'failure';
export const isSuccess: Predicate = (e) => e.event.outcome === 'success';
export const always: Predicate = () => true;

export interface RuleOpts {
  id?: string;
  version?: number;
  source?: string;
  datasets?: string[];
  actions?: string[];
  match?: Predicate;
  steps?: Predicate[];
  aggregation?: Aggregation;
  output?: string[];
  enabled?: boolean;
  /** Override the group getters (to make one throw, say). */
  groupGetters?: FieldGetter[];
}

function groupFieldsOf(agg: Aggregation | undefined): readonly string[] {
  if (agg === undefined) return [];
  return agg.type === 'sequence' ? agg.by : agg.groupBy;
}

export function rule(o: RuleOpts = {}): CompiledRule {
  const output = o.output ?? [];
  const spec: RuleSpec = {
    id: o.id ?? 'test.rule',
    name: 'Test rule',
    description: 'A rule built by hand for runtime tests.',
    version: o.version ?? 1,
    severity: 'medium',
    riskScore: 47,
    tags: [],
    datasets: o.datasets ?? ['okta.system'],
    detection: { selections: [], condition: { kind: 'ref', name: 'selection' }, conditionText: 'selection' },
    ...(o.aggregation ? { aggregation: o.aggregation } : {}),
    outputFields: output,
    enabled: o.enabled ?? true,
    tests: [],
    file: 'test.yml',
  };
  const match = o.match ?? always;
  const steps = o.steps ?? [];
  return {
    spec,
    match,
    reference: match,
    steps,
    referenceSteps: steps,
    actions: o.actions,
    groupBy: o.groupGetters ?? groupFieldsOf(o.aggregation).map(get),
    output: output.map(get),
    plan: 'hand-built',
    source: o.source ?? 'return true;',
  };
}

export const threshold = (count: number, windowMs: number, groupBy: string[] = ['user.name']): Aggregation => ({ type: 'threshold', count, windowMs, groupBy });
export const cardinality = (field: string, count: number, windowMs: number, groupBy: string[] = ['source.ip']): Aggregation => ({
  type: 'cardinality',
  field,
  count,
  windowMs,
  groupBy,
});
export const newTerms = (fields: string[], historyMs: number, groupBy: string[] = ['user.name']): Aggregation => ({ type: 'new_terms', fields, historyMs, groupBy });
export function sequence(counts: number[], maxspanMs: number, by: string[] = ['user.name']): Aggregation {
  return {
    type: 'sequence',
    by,
    maxspanMs,
    steps: counts.map((count, i) => ({ name: `s${i}`, condition: { kind: 'ref', name: `s${i}` }, conditionText: `s${i}`, count })),
  };
}
export const travel = (maxSpeedKmh: number, minDistanceKm = 0, windowMs = 24 * 60 * MIN, groupBy: string[] = ['user.name']): Aggregation => ({
  type: 'travel',
  groupBy,
  location: 'source.geo.location',
  maxSpeedKmh,
  minDistanceKm,
  windowMs,
});
