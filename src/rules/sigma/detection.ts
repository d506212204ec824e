/**
 * Sigma `detection` → Sift `detection`: each named selection converted field
 * by field (field-test.ts), then the condition (condition.ts).
 *
 * A selection that is a plain list of values (or a map key without a field,
 * `'|contains': …`) is a Sigma keyword search over the whole event. Sift
 * matches fields only, and no single field of these sources holds the whole
 * event (`message` is the vendor's summary line at most), so such rules are
 * reported rather than narrowed to a field.
 */
import { convertAggregation } from './aggregation.js';
import { convertCondition } from './condition.js';
import { convertItem, type Scope } from './field-test.js';
import { ok, unsupported, UnsupportedKind, type SiftAggregation, type SiftSelection, type SiftSelectionMap, type SiftValue, type Step } from './types.js';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

function convertMap(scope: Scope, name: string, map: Record<string, unknown>): Step<SiftSelectionMap> {
  const entries = Object.entries(map);
  if (entries.length === 0) return unsupported(UnsupportedKind.value, `selection ${name} is empty`);
  const out: Record<string, SiftValue | readonly SiftValue[]> = {};
  for (const [key, raw] of entries) {
    const test = convertItem(scope, key, raw);
    if (!test.ok) return test;
    // Two Sigma fields can land on one ECS field; a YAML map holds a key once.
    if (Object.hasOwn(out, test.value.key)) {
      return unsupported(UnsupportedKind.field, `selection ${name} tests ${test.value.key} twice (from ${key} and another field)`);
    }
    out[test.value.key] = test.value.value;
  }
  return ok(out);
}

function convertSelection(scope: Scope, name: string, raw: unknown): Step<SiftSelection> {
  if (isMap(raw)) return convertMap(scope, name, raw);
  if (Array.isArray(raw) && raw.length > 0 && raw.every(isMap)) {
    const maps: SiftSelectionMap[] = [];
    for (const m of raw) {
      const r = convertMap(scope, name, m);
      if (!r.ok) return r;
      maps.push(r.value);
    }
    return ok(maps);
  }
  return unsupported(UnsupportedKind.keywords, `selection ${name} is a keyword search, which has no field`);
}

export interface SiftDetection {
  readonly selections: Readonly<Record<string, SiftSelection>>;
  readonly condition: string;
  /** `| count() …` with its timeframe, as Sift's threshold or cardinality block. */
  readonly aggregation?: SiftAggregation;
}

export function convertDetection(scope: Scope, raw: unknown): Step<SiftDetection> {
  if (!isMap(raw)) return unsupported(UnsupportedKind.notARule, 'detection is not a map');
  const { condition, timeframe, ...rest } = raw;
  if (condition === undefined) return unsupported(UnsupportedKind.notARule, 'detection has no condition');
  const names = Object.keys(rest);
  const cond = convertCondition(condition, names);
  if (!cond.ok) return cond;
  // Without an aggregation, Sigma ignores timeframe; a rule that sets one means a correlation of events.
  if (timeframe !== undefined && cond.value.aggregation === undefined) {
    return unsupported(UnsupportedKind.aggregation, `timeframe ${String(timeframe)} without an aggregation means a correlation of several events`);
  }
  const aggregation = cond.value.aggregation === undefined ? undefined : convertAggregation(scope, cond.value.aggregation, timeframe);
  if (aggregation !== undefined && !aggregation.ok) return aggregation;
  const selections: Record<string, SiftSelection> = {};
  for (const name of names) {
    const r = convertSelection(scope, name, rest[name]);
    if (!r.ok) return r;
    selections[name] = r.value;
  }
  return ok({ selections, condition: cond.value.condition, ...(aggregation === undefined ? {} : { aggregation: aggregation.value }) });
}
