/**
 * Sigma v1's aggregation in a condition, the deprecated correlation syntax
 * many rules still use: `selection | count() by sourceIPAddress > 5` with a
 * `timeframe`. Sigma's specification: "The count aggregation counts all
 * matching events if no field name is given. With field name it counts the
 * distinct values in this field", per group of the `by` field, within the
 * timeframe. So:
 * - `count() [by g] > n`      → Sift `threshold` (count n + 1, group_by g);
 * - `count(f) [by g] > n`     → Sift `cardinality` of f (n + 1 distinct values);
 * - `>= n` needs n itself; `window` is the Sigma timeframe.
 * Sift fires at a minimum, so `<`, `<=`, `=` and the other functions (min,
 * max, avg, sum) stay unsupported, as does an aggregation without timeframe
 * (Sigma then means "over the whole search", which a stream has no end of).
 */
import { resolveField } from './fields/resolve.js';
import type { Scope } from './field-test.js';
import { ok, unsupported, UnsupportedKind, type SiftAggregation, type Step } from './types.js';

export interface SigmaAggregation {
  /** The text after `|`, for messages. */
  readonly text: string;
  /** `count(field)`: distinct values of this Sigma field; undefined for `count()`. */
  readonly field: string | undefined;
  readonly by: readonly string[];
  /** Sift's minimum count (`> 5` is 6). */
  readonly atLeast: number;
}

const refuse = (reason: string): { readonly ok: false; readonly kind: UnsupportedKind; readonly reason: string } => unsupported(UnsupportedKind.aggregation, reason);

// Fixed patterns over short texts, none with overlapping quantifiers.
const CALL = /^([A-Za-z_]+)\s*\(([^()]*)\)([^()]*)$/;
const FIELD = /^[A-Za-z0-9_.@-]+$/;
const COMPARISON = /^(>=|<=|==|!=|>|<|=)\s*(\d+)$/;
const TIMEFRAME = /^[1-9]\d*[smhd]$/;

/** `count(f) by g > n` (the text after `|`) → its parts, or why Sift cannot run it. */
export function parseAggregation(text: string): Step<SigmaAggregation> {
  const call = CALL.exec(text);
  if (call === null) return refuse(`condition has an aggregation Sift does not read (| ${text})`);
  const [, fn = '', arg = '', rest = ''] = call;
  if (fn.toLowerCase() !== 'count') return refuse(`condition has a ${fn}() aggregation (| ${text}); Sift counts events (count()) and distinct values (count(field)) only`);
  const field = arg.trim() === '' ? undefined : arg.trim();
  if (field !== undefined && !FIELD.test(field)) return refuse(`count(${arg}) does not name one field`);
  const at = rest.search(/[<>=!]/);
  const before = (at < 0 ? rest : rest.slice(0, at)).trim();
  const by = /^by\s/i.test(before) ? before.slice(2).split(',').map((f) => f.trim()) : before === '' ? [] : undefined;
  if (by === undefined || by.some((f) => !FIELD.test(f))) return refuse(`condition has an aggregation whose group is not "by field[, field]" (| ${text})`);
  const cmp = at < 0 ? null : COMPARISON.exec(rest.slice(at).trim());
  if (cmp === null) return refuse(`condition has an aggregation without a comparison to a whole number (| ${text})`);
  const [, op = '', n = ''] = cmp;
  const atLeast = op === '>' ? Number(n) + 1 : op === '>=' ? Number(n) : undefined;
  if (atLeast === undefined || atLeast < 1) {
    return refuse(`condition compares the count with ${op} ${n}; Sift's threshold and cardinality fire at a minimum (> n, or >= n with n ≥ 1)`);
  }
  return ok({ text, field, by, atLeast });
}

/** A Sigma field as a Sift field for grouping or counting; its values must carry over unchanged. */
function aggregationField(scope: Scope, name: string, role: string): Step<string> {
  const r = resolveField(scope.source, scope.datasets, name);
  if (!r.ok) return r;
  if (r.value.existsOnly !== undefined) return unsupported(UnsupportedKind.field, `${role} field ${name}: ${r.value.existsOnly}`);
  return ok(r.value.field);
}

/** The Sift aggregation block of a Sigma aggregation and its timeframe. */
export function convertAggregation(scope: Scope, agg: SigmaAggregation, timeframe: unknown): Step<SiftAggregation> {
  if (timeframe === undefined) return refuse(`condition has an aggregation (| ${agg.text}) without a timeframe; Sift counts within a window`);
  if (typeof timeframe !== 'string' || !TIMEFRAME.test(timeframe)) {
    return refuse(`timeframe ${String(timeframe)} is not a Sift window (a whole number of s, m, h or d)`);
  }
  const groupBy: string[] = [];
  for (const name of agg.by) {
    const f = aggregationField(scope, name, 'group');
    if (!f.ok) return f;
    if (!groupBy.includes(f.value)) groupBy.push(f.value);
  }
  const group = groupBy.length > 0 ? { group_by: groupBy } : {};
  if (agg.field === undefined) return ok({ threshold: { count: agg.atLeast, ...group, window: timeframe } });
  const counted = aggregationField(scope, agg.field, 'counted');
  if (!counted.ok) return counted;
  return ok({ cardinality: { field: counted.value, count: agg.atLeast, ...group, window: timeframe } });
}
