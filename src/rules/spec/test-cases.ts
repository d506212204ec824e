/**
 * `tests:` inside a rule file. Events are either raw vendor records (run
 * through Sift's normalizer for `source` first, so a test exercises the same
 * path production does) or ECS documents given directly.
 */
import type { JsonValue } from '../../ecs/index.js';
import { knownVendors } from '../../ecs/index.js';
import { BLOCK_KEYS } from './keys.js';
import { mergePatch } from './merge-patch.js';
import { checkKeys, entries, listOf, readInt, readJson, readString, report, required, scalarOf, type Entry, type Reader } from './read.js';
import { didYouMean } from './suggest.js';
import type { RuleTestCase, TestEvent } from './types.js';

const MAX_EVENTS = 10_000;

function readSource(r: Reader, e: Entry | undefined): string | undefined {
  if (e === undefined) return undefined;
  const s = readString(r, e, { nonEmpty: true });
  if (s !== undefined && !knownVendors().includes(s)) {
    report(r, e.path, e.value, `unknown source "${s}"${didYouMean(s, knownVendors())} (sources: ${knownVendors().join(', ')})`);
    return undefined;
  }
  return s;
}

/**
 * The file's `base_event`: one raw vendor record (with its source) or one
 * ECS document that test events patch with `overrides`, so a case states only
 * what differs from it.
 */
export interface BaseEvent {
  readonly kind: 'raw' | 'ecs';
  readonly source?: string;
  readonly value: JsonValue;
}

/** A `base_event` that is written but broken: events that patch it are not reported again. */
export const BROKEN = 'broken';
/** The base event, none (undefined), or a broken one. */
export type Base = BaseEvent | typeof BROKEN | undefined;

function isMapValue(v: JsonValue | undefined): boolean {
  return v !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function readBaseEvent(r: Reader, e: Entry): BaseEvent | undefined {
  const list = entries(r, e.value, e.path);
  if (list === undefined) return undefined;
  const b = checkKeys(r, list, BLOCK_KEYS.base_event);
  const raw = b.get('raw');
  const ecs = b.get('ecs');
  if ((raw === undefined) === (ecs === undefined)) {
    report(r, e.path, e.value, 'base_event has exactly one of "raw" (a vendor record) or "ecs" (an ECS document)');
    return undefined;
  }
  const sourceE = b.get('source');
  if (ecs !== undefined && sourceE !== undefined) report(r, sourceE.path, sourceE.keyNode, '"source" only applies to a raw base event');
  const given = raw ?? ecs;
  const value = given && readJson(r, given);
  if (given !== undefined && value !== undefined && !isMapValue(value)) {
    report(r, given.path, given.value, 'a base event is a map (overrides merge into it)');
    return undefined;
  }
  const source = readSource(r, sourceE);
  if (value === undefined || (sourceE !== undefined && source === undefined)) return undefined;
  return { kind: raw !== undefined ? 'raw' : 'ecs', ...(source === undefined ? {} : { source }), value };
}

/** An event written as `overrides` of the base event: the base, patched (RFC 7386). */
function readOverrides(r: Reader, e: Entry, b: ReadonlyMap<string, Entry>, base: Base, caseSource: string | undefined): TestEvent | undefined {
  if (base === BROKEN) return undefined; // its problem is reported where it is written
  if (base === undefined) {
    report(r, e.path, e.keyNode, 'overrides apply to a base_event: add one at the top of the file');
    return undefined;
  }
  const patch = readJson(r, e);
  if (patch !== undefined && !isMapValue(patch)) {
    report(r, e.path, e.value, 'overrides is a map of the keys that differ from base_event (null deletes a key)');
    return undefined;
  }
  if (patch === undefined) return undefined;
  const value = mergePatch(base.value, patch);
  const sourceE = b.get('source');
  if (base.kind === 'ecs') {
    if (sourceE !== undefined) report(r, sourceE.path, sourceE.keyNode, '"source" only applies to raw events (base_event is an ECS document)');
    return { kind: 'ecs', value };
  }
  // The event's own source, else the base's (its record is that vendor's), else the case's.
  const source = sourceE === undefined ? (base.source ?? caseSource) : readSource(r, sourceE);
  if (sourceE === undefined && source === undefined) report(r, e.path, e.keyNode, 'a raw event needs a source (on it, its test case or base_event)');
  return source === undefined ? undefined : { kind: 'raw', source, value };
}

function readEvent(r: Reader, node: unknown, path: string, caseSource: string | undefined, base: Base): TestEvent | undefined {
  const list = entries(r, node, path);
  if (list === undefined) return undefined;
  const b = checkKeys(r, list, BLOCK_KEYS['tests[].events[]']);
  const raw = b.get('raw');
  const ecs = b.get('ecs');
  const overrides = b.get('overrides');
  if ([raw, ecs, overrides].filter((x) => x !== undefined).length !== 1) {
    report(r, path, node, 'an event has exactly one of "raw" (a vendor record), "ecs" (an ECS document) or "overrides" (of base_event)');
    return undefined;
  }
  if (overrides !== undefined) return readOverrides(r, overrides, b, base, caseSource);
  if (ecs !== undefined) {
    if (b.has('source')) report(r, `${path}.source`, b.get('source')?.keyNode, '"source" only applies to raw events');
    const value = readJson(r, ecs);
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      report(r, ecs.path, ecs.value, 'an ECS event is a map');
      return undefined;
    }
    return value === undefined ? undefined : { kind: 'ecs', value };
  }
  const sourceE = b.get('source');
  const source = sourceE === undefined ? caseSource : readSource(r, sourceE);
  if (sourceE === undefined && caseSource === undefined) report(r, `${path}.source`, node, 'a raw event needs a source (here or on its test case)');
  const value = raw === undefined ? undefined : readJson(r, raw);
  return value === undefined || source === undefined ? undefined : { kind: 'raw', source, value };
}

function readExpect(r: Reader, e: Entry, alertFields: readonly string[] | undefined): { count: number; alerts: Readonly<Record<string, JsonValue>>[] } | undefined {
  const list = entries(r, e.value, e.path);
  if (list === undefined) return undefined;
  const b = checkKeys(r, list, BLOCK_KEYS['tests[].expect']);
  const countE = required(r, b, 'count', e.path, e.value);
  const count = countE && readInt(r, countE, 0, MAX_EVENTS);
  const alertsE = b.get('alerts');
  const alerts: Record<string, JsonValue>[] = [];
  let ok = true;
  for (const { node, path } of (alertsE && listOf(r, alertsE)) ?? []) {
    const fields = entries(r, node, path, 'a map of alert field → expected value');
    const alert: Record<string, JsonValue> = {};
    for (const f of fields ?? []) {
      const v = scalarOf(r, f.value).ok ? readJson(r, f) : undefined;
      if (v === undefined) {
        report(r, f.path, f.value, 'an expected alert value is a string, number, boolean or null');
        ok = false;
      } else {
        Object.defineProperty(alert, f.key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      if (alertFields !== undefined && !alertFields.includes(f.key)) {
        // Keys an alert never carries make the case fail forever: say so at load.
        const known = alertFields.length === 0 ? 'none: add output.fields or group_by' : alertFields.join(', ');
        report(r, f.path, f.keyNode, `"${f.key}" is not an alert field${didYouMean(f.key, alertFields)} (alert fields: ${known})`);
        ok = false;
      }
    }
    if (fields === undefined) ok = false;
    alerts.push(alert);
  }
  if (count !== undefined && alerts.length > count) report(r, alertsE?.path ?? e.path, alertsE?.value, `lists ${alerts.length} alerts but count is ${count}`);
  return count === undefined || !ok || alerts.length > count ? undefined : { count, alerts };
}

function readCase(r: Reader, node: unknown, path: string, alertFields: readonly string[] | undefined, base: Base): RuleTestCase | undefined {
  const list = entries(r, node, path);
  if (list === undefined) return undefined;
  const b = checkKeys(r, list, BLOCK_KEYS['tests[]']);
  const nameE = required(r, b, 'name', path, node);
  const eventsE = required(r, b, 'events', path, node);
  const expectE = required(r, b, 'expect', path, node);
  const name = nameE && readString(r, nameE, { nonEmpty: true });
  const source = readSource(r, b.get('source'));
  const nodes = eventsE && listOf(r, eventsE, { nonEmpty: true });
  if (nodes && nodes.length > MAX_EVENTS) report(r, eventsE?.path ?? path, eventsE?.value, `more than ${MAX_EVENTS} events`);
  const events = (nodes ?? []).map((n) => readEvent(r, n.node, n.path, source, base));
  const expect = expectE && readExpect(r, expectE, alertFields);
  if (name === undefined || nodes === undefined || expect === undefined || events.some((x) => x === undefined)) return undefined;
  return { name, events: events as TestEvent[], count: expect.count, alerts: expect.alerts };
}

/**
 * Every test case, or `undefined` when any is broken (each problem reported).
 * `alertFields`: the fields alerts carry (group and output fields), when known.
 */
export function readTests(r: Reader, e: Entry, alertFields: readonly string[] | undefined, base?: Base): RuleTestCase[] | undefined {
  const nodes = listOf(r, e);
  if (nodes === undefined) return undefined;
  const cases = nodes.map((n) => readCase(r, n.node, n.path, alertFields, base));
  const names = new Set<string>();
  cases.forEach((c, i) => {
    if (c === undefined) return;
    if (names.has(c.name)) report(r, `${e.path}[${i}].name`, undefined, `test name "${c.name}" is used twice`);
    names.add(c.name);
  });
  return cases.every((c) => c !== undefined) && names.size === cases.length ? (cases as RuleTestCase[]) : undefined;
}
