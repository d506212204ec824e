/**
 * The optional aggregation block (threshold | cardinality | sequence |
 * new_terms | travel), `suppression` and `output`. Field names are checked against the
 * catalog later, by the compiler; here only shapes, ranges and durations.
 */
import { BLOCK_KEYS, SELECTION_NAME } from './keys.js';
import { checkKeys, entries, listOf, readDuration, readInt, readString, readStringList, report, required, type Entry, type Reader } from './read.js';
import { readCondition } from './selection.js';
import type { Aggregation, SequenceStep, SuppressionSpec } from './types.js';

/** Counts above this are almost surely a unit mistake, and bound the state a rule can hold. */
const MAX_COUNT = 1_000_000;

const fieldList = (r: Reader, e: Entry | undefined, nonEmpty = false): string[] | undefined =>
  e === undefined ? (nonEmpty ? undefined : []) : readStringList(r, e, { nonEmpty });

function block(r: Reader, e: Entry, keys: readonly string[]): Map<string, Entry> | undefined {
  const list = entries(r, e.value, e.path);
  return list === undefined ? undefined : checkKeys(r, list, keys);
}

function threshold(r: Reader, e: Entry): Aggregation | undefined {
  const b = block(r, e, BLOCK_KEYS.threshold);
  if (b === undefined) return undefined;
  const count = required(r, b, 'count', e.path, e.value);
  const window = required(r, b, 'window', e.path, e.value);
  const c = count && readInt(r, count, 1, MAX_COUNT);
  const w = window && readDuration(r, window);
  const groupBy = fieldList(r, b.get('group_by'));
  if (c === undefined || w === undefined || groupBy === undefined) return undefined;
  return { type: 'threshold', count: c, groupBy, windowMs: w };
}

function cardinality(r: Reader, e: Entry): Aggregation | undefined {
  const b = block(r, e, BLOCK_KEYS.cardinality);
  if (b === undefined) return undefined;
  const fieldE = required(r, b, 'field', e.path, e.value);
  const count = required(r, b, 'count', e.path, e.value);
  const window = required(r, b, 'window', e.path, e.value);
  const field = fieldE && readString(r, fieldE, { nonEmpty: true });
  const c = count && readInt(r, count, 1, MAX_COUNT);
  const w = window && readDuration(r, window);
  const groupBy = fieldList(r, b.get('group_by'));
  if (field === undefined || c === undefined || w === undefined || groupBy === undefined) return undefined;
  return { type: 'cardinality', field, count: c, groupBy, windowMs: w };
}

function step(r: Reader, node: unknown, path: string, names: readonly string[]): SequenceStep | undefined {
  const list = entries(r, node, path);
  if (list === undefined) return undefined;
  const b = checkKeys(r, list, BLOCK_KEYS['sequence.steps[]']);
  const nameE = required(r, b, 'name', path, node);
  const condE = required(r, b, 'condition', path, node);
  const countE = b.get('count');
  const name = nameE && readString(r, nameE, { nonEmpty: true });
  if (nameE && name !== undefined && !SELECTION_NAME.test(name)) report(r, nameE.path, nameE.value, 'a step name is letters, digits, _ and -');
  const cond = condE && readCondition(r, condE, names);
  const count = countE === undefined ? 1 : readInt(r, countE, 1, MAX_COUNT);
  if (name === undefined || cond === undefined || count === undefined) return undefined;
  return { name, condition: cond.condition, conditionText: cond.text, count };
}

function sequence(r: Reader, e: Entry, names: readonly string[]): Aggregation | undefined {
  const b = block(r, e, BLOCK_KEYS.sequence);
  if (b === undefined) return undefined;
  const maxspan = required(r, b, 'maxspan', e.path, e.value);
  const stepsE = required(r, b, 'steps', e.path, e.value);
  const m = maxspan && readDuration(r, maxspan);
  const by = fieldList(r, b.get('by'));
  const nodes = stepsE && listOf(r, stepsE);
  if (stepsE && nodes && nodes.length < 2) report(r, stepsE.path, stepsE.value, 'a sequence needs at least 2 steps');
  const steps = (nodes ?? []).map(({ node, path }) => step(r, node, path, names));
  const seen = new Set<string>();
  steps.forEach((s, i) => {
    if (s === undefined) return;
    if (seen.has(s.name)) report(r, `${stepsE?.path ?? 'sequence.steps'}[${i}].name`, undefined, `step name "${s.name}" is used twice`);
    seen.add(s.name);
  });
  const ok = m !== undefined && by !== undefined && nodes !== undefined && nodes.length >= 2 && steps.every((s) => s !== undefined) && seen.size === steps.length;
  return ok ? { type: 'sequence', by, maxspanMs: m, steps: steps as SequenceStep[] } : undefined;
}

function newTerms(r: Reader, e: Entry): Aggregation | undefined {
  const b = block(r, e, BLOCK_KEYS.new_terms);
  if (b === undefined) return undefined;
  const fieldsE = required(r, b, 'fields', e.path, e.value);
  const history = required(r, b, 'history', e.path, e.value);
  const fields = fieldsE && fieldList(r, fieldsE, true);
  const h = history && readDuration(r, history);
  const groupBy = fieldList(r, b.get('group_by'));
  if (fields === undefined || h === undefined || groupBy === undefined) return undefined;
  return { type: 'new_terms', fields, groupBy, historyMs: h };
}

/** Half the Earth's circumference: no two points on it are further apart. */
const MAX_DISTANCE_KM = 20_100;
const DEFAULT_TRAVEL_WINDOW_MS = 24 * 3_600_000;

function travel(r: Reader, e: Entry): Aggregation | undefined {
  const b = block(r, e, BLOCK_KEYS.travel);
  if (b === undefined) return undefined;
  const speedE = required(r, b, 'max_speed_kmh', e.path, e.value);
  const speed = speedE && readInt(r, speedE, 1, 100_000);
  const distE = b.get('min_distance_km');
  const distance = distE === undefined ? 0 : readInt(r, distE, 0, MAX_DISTANCE_KM);
  const windowE = b.get('window');
  const w = windowE === undefined ? DEFAULT_TRAVEL_WINDOW_MS : readDuration(r, windowE);
  const locE = b.get('location');
  const location = locE === undefined ? 'source.geo.location' : readString(r, locE, { nonEmpty: true });
  const groupBy = fieldList(r, b.get('group_by'));
  if (speed === undefined || distance === undefined || w === undefined || location === undefined || groupBy === undefined) return undefined;
  return { type: 'travel', groupBy, location, maxSpeedKmh: speed, minDistanceKm: distance, windowMs: w };
}

/** One aggregation block; `names` are the selection names its conditions may use. */
export function readAggregation(r: Reader, e: Entry, names: readonly string[]): Aggregation | undefined {
  switch (e.key) {
    case 'threshold':
      return threshold(r, e);
    case 'cardinality':
      return cardinality(r, e);
    case 'sequence':
      return sequence(r, e, names);
    case 'new_terms':
      return newTerms(r, e);
    case 'travel':
      return travel(r, e);
    default:
      return undefined;
  }
}

export function readSuppression(r: Reader, e: Entry): SuppressionSpec | undefined {
  const b = block(r, e, BLOCK_KEYS.suppression);
  if (b === undefined) return undefined;
  const duration = required(r, b, 'duration', e.path, e.value);
  const d = duration && readDuration(r, duration);
  const groupBy = fieldList(r, b.get('group_by'));
  return d === undefined || groupBy === undefined ? undefined : { groupBy, durationMs: d };
}

export function readOutput(r: Reader, e: Entry): string[] | undefined {
  const b = block(r, e, BLOCK_KEYS.output);
  if (b === undefined) return undefined;
  return fieldList(r, b.get('fields'));
}
