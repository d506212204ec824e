/**
 * Applying one event to one rule. The loop in partition.ts calls `applyRule`
 * for each candidate; everything before the predicate answers true is
 * allocation-free, so an event that matches nothing costs no garbage.
 *
 * For stateful rules, in order: predicate → lateness (event time older than
 * watermark − dataset lateness: counted, not applied) → groups (an event
 * missing a group field, or holding null there, is skipped: it belongs to no
 * group; an array-valued group field puts the event in one group per element,
 * as an Elasticsearch terms aggregation buckets it) → replay guard (position
 * (offset, index in the record) ≤ the slot's, per source in keyed mode:
 * already applied before a restore, skipped) → the store.
 *
 * Keyed mode splits this in two: the ingest stage runs `selects` and
 * `groupsOf` (route.ts), the detect stage `applyMatched` with the group the
 * keyed record was written for.
 */
import type { EcsEvent, JsonValue } from '../../ecs/index.js';
import {
  admit,
  cardinalityAdd,
  combinations,
  geoPointOf,
  isNewTerm,
  positionOf,
  seenInSeed,
  project,
  sequenceAdd,
  thresholdAdd,
  toJson,
  travelAdd,
  type KeyedStore,
  type Mark,
  type NewTermsSeed,
  type PlaceMark,
  type Slot,
  type StepMark,
  type ValueMark,
  type Hop,
  TRAVEL_FIELDS,
} from '../state/index.js';
import { eventDetection, groupRecord, windowDetection } from './detection.js';
import { RuleKind, type RulePlan } from './plan.js';
import { eventTime } from './time.js';
import type { DetectInput, Detection } from './types.js';

/** One rule's windows in one partition; `plan` is swapped on a hot reload that keeps the state. */
export type RuleState =
  | { readonly kind: 'threshold'; plan: RulePlan; readonly store: KeyedStore<Mark[]> }
  | { readonly kind: 'cardinality'; plan: RulePlan; readonly store: KeyedStore<ValueMark[]> }
  | { readonly kind: 'sequence'; plan: RulePlan; readonly store: KeyedStore<StepMark[]> }
  | { readonly kind: 'new_terms'; plan: RulePlan; readonly store: KeyedStore<string | null> }
  | { readonly kind: 'travel'; plan: RulePlan; readonly store: KeyedStore<PlaceMark[]> };

/** What a rule application needs from its partition. */
export interface Windows {
  /**
   * What windows prune against (cutoff = watermark − span − lateness): the
   * partition's watermark in local mode; in keyed mode the slowest of its
   * source partitions' (partition.ts).
   */
  readonly watermark: number;
  /** Where detections go; the partition points it at each batch's array. */
  out: Detection[];
  late(plan: RulePlan): void;
  state(plan: RulePlan): RuleState;
  /** A new_terms rule's baseline read from history (engine.seed), for this version of the rule. */
  seed(plan: RulePlan): NewTermsSeed | undefined;
}

export function valuesOf(getters: RulePlan['groupGetters'], event: EcsEvent): JsonValue[] | undefined {
  const values: JsonValue[] = [];
  for (const get of getters) {
    const v = toJson(get(event));
    if (v === undefined || v === null) return undefined;
    values.push(v);
  }
  return values;
}

/** Every distinct group of the combinations of array-valued group fields; null elements belong to no group. */
function expand(values: readonly JsonValue[]): JsonValue[][] {
  const seen = new Set<string>();
  const out: JsonValue[][] = [];
  for (const tuple of combinations(values)) {
    if (tuple.includes(null)) continue;
    const text = JSON.stringify(tuple);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(tuple);
  }
  return out;
}

/**
 * The groups an event belongs to for a rule: one, unless a group field holds
 * an array (then one per combination of elements, at most MAX_COMBINATIONS);
 * undefined when a group field is absent or null.
 */
export function groupsOf(getters: RulePlan['groupGetters'], event: EcsEvent): JsonValue[][] | undefined {
  const values = valuesOf(getters, event);
  if (values === undefined) return undefined;
  for (let i = 0; i < values.length; i++) if (Array.isArray(values[i])) return expand(values);
  return [values];
}

// Module-level so that creating a slot allocates no function.
const emptyList = <T>(): T[] => [];
const noState = (): null => null;

function jsonTexts(v: JsonValue): string[] {
  const out: string[] = [];
  if (Array.isArray(v)) for (const x of v) out.push(JSON.stringify(x));
  else out.push(JSON.stringify(v));
  return out;
}

/** The slot to apply to (created, or touched), or undefined for a replayed input. */
function enter<S>(store: KeyedStore<S>, group: string, t: number, input: DetectInput, off: bigint | undefined, init: () => S): Slot<S> | undefined {
  let slot = store.get(group);
  if (slot === undefined) {
    slot = store.add(group, init(), t);
    admit(slot, input.source, off);
  } else if (!admit(slot, input.source, off)) return undefined;
  else store.touch(group, slot);
  if (t > slot.last) slot.last = t;
  return slot;
}

function stepMask(plan: RulePlan, event: EcsEvent): number {
  let mask = 0;
  const steps = plan.rule.steps;
  for (let i = 0; i < steps.length; i++) if ((steps[i] as (e: EcsEvent) => boolean)(event)) mask |= 1 << i;
  return mask;
}

function applyWindow(w: Windows, state: RuleState, input: DetectInput, t: number, groupValues: JsonValue[], mask: number): void {
  const plan = state.plan;
  const event = input.event;
  const group = JSON.stringify(groupValues);
  const off = positionOf(input.offset, input.index);
  const cutoff = w.watermark - plan.spanMs - plan.latenessMs;
  const s = project(event, plan.sampleFields);
  let fired;
  if (state.kind === 'threshold') {
    const slot = enter(state.store, group, t, input, off, emptyList<Mark>);
    if (slot) fired = thresholdAdd(slot.state, { t, id: input.id, s }, { count: plan.count, windowMs: plan.spanMs }, cutoff);
  } else if (state.kind === 'cardinality') {
    const raw = valuesOf(plan.valueGetters, event);
    if (raw === undefined) return;
    const values = jsonTexts(raw[0] as JsonValue);
    if (values.length === 0) return;
    const slot = enter(state.store, group, t, input, off, emptyList<ValueMark>);
    if (slot) fired = cardinalityAdd(slot.state, values, t, input.id, s, { count: plan.count, windowMs: plan.spanMs });
  } else if (state.kind === 'sequence') {
    const slot = enter(state.store, group, t, input, off, emptyList<StepMark>);
    if (slot) fired = sequenceAdd(slot.state, { t, id: input.id, s, m: mask }, { counts: plan.stepCounts, maxspanMs: plan.spanMs, cap: plan.bufferCap }, cutoff);
  } else if (state.kind === 'travel') {
    fired = applyTravel(state.store, plan, input, t, group, cutoff, off, s);
    if (fired) {
      const d = windowDetection(plan, group, groupRecord(plan.groupFields, groupValues), fired, event);
      w.out.push({ ...d, fields: { ...d.fields, ...hopFields(fired.hop) } });
      return;
    }
  }
  if (fired) w.out.push(windowDetection(plan, group, groupRecord(plan.groupFields, groupValues), fired, event));
}

/** An event without a usable point (no location, or not a geo_point) is not a sign-in from anywhere: skipped. */
function applyTravel(store: KeyedStore<PlaceMark[]>, plan: RulePlan, input: DetectInput, t: number, group: string, cutoff: number, off: bigint | undefined, s: EcsEvent): ReturnType<typeof travelAdd> {
  const point = geoPointOf((plan.valueGetters[0] as RulePlan['valueGetters'][number])(input.event));
  const params = plan.travel;
  if (point === undefined || params === undefined) return undefined;
  const slot = enter(store, group, t, input, off, emptyList<PlaceMark>);
  if (slot === undefined) return undefined;
  return travelAdd(slot.state, { t, id: input.id, s, lat: point.lat, lon: point.lon }, params, cutoff);
}

/** The hop in the alert's fields: whole km and km/h (null for the same instant: infinite). */
function hopFields(hop: Hop): Record<string, JsonValue> {
  return { [TRAVEL_FIELDS.distance]: Math.round(hop.distanceKm), [TRAVEL_FIELDS.speed]: Number.isFinite(hop.speedKmh) ? Math.round(hop.speedKmh) : null };
}

function applyNewTerms(w: Windows, store: KeyedStore<string | null>, plan: RulePlan, input: DetectInput, t: number, groupValues: JsonValue[]): void {
  const terms = valuesOf(plan.valueGetters, input.event);
  if (terms === undefined) return;
  const off = positionOf(input.offset, input.index);
  // The group's baseline marker (a key no JSON tuple can equal). A group seen
  // for the first time within the history window only learns its terms: on a
  // fresh start every value would otherwise be "new" and page for every user.
  const groupText = JSON.stringify(groupValues);
  const marker = `@group:${groupText}`;
  const before = store.get(marker);
  const seed = w.seed(plan);
  // A group history knows is not fresh, whatever the slots hold (they may be empty after a deploy).
  const fresh = (before === undefined || isNewTerm(before.last, t, plan.spanMs)) && !(seed !== undefined && seenInSeed(seed.groups.get(groupText), t, plan.spanMs));
  const slot = enter(store, marker, t, input, off, noState);
  let known: boolean;
  if (slot !== undefined) {
    known = !fresh;
    // The marker remembers which event began the group's baseline (below).
    if (fresh) slot.state = input.id;
  } else {
    // The marker already holds this event: a redelivered batch whose
    // checkpoint was cut between its entries (a checkpoint is several
    // records, in more than one request) may hold the marker without a tuple.
    // The tuples keep their own replay guards, so they are applied below;
    // the group was known before this event unless this event began it.
    known = before?.state !== input.id;
  }
  for (const tuple of combinations(terms)) {
    const values = [...groupValues, ...tuple];
    const group = JSON.stringify(values);
    const seen = store.get(group)?.last;
    if (enter(store, group, t, input, off, noState) === undefined) continue;
    // The detection's group is the group-by values plus the new tuple: one alert per new tuple.
    if (known && isNewTerm(seen, t, plan.spanMs) && !(seed !== undefined && seenInSeed(seed.tuples.get(group), t, plan.spanMs))) w.out.push(eventDetection(plan, input, t, group, groupRecord([...plan.groupFields, ...plan.valueFields], values)));
  }
}

/** 0 when the rule does not select the event; else a sequence's step mask, or 1. */
export function selects(plan: RulePlan, event: EcsEvent): number {
  if (plan.kind === RuleKind.sequence) return stepMask(plan, event);
  return plan.rule.match(event) ? 1 : 0;
}

/**
 * Applies an event the rule selected (`mask` from `selects`). `floor` is the
 * oldest on-time event time (watermark − the dataset's lateness). `groups` are
 * the groups to apply it to; by default the event's own (`groupsOf`). The
 * detect stage of keyed mode passes the one group its keyed record was
 * written for, and the floor of the event's source partition.
 */
export function applyMatched(w: Windows, plan: RulePlan, input: DetectInput, t: number, floor: number, mask: number, groups?: readonly JsonValue[][]): void {
  if (plan.kind === RuleKind.match) {
    const ms = Number.isNaN(t) ? eventTime(input.event) : t;
    w.out.push(eventDetection(plan, input, ms, input.id, {}));
    return;
  }
  // NaN (no usable time) fails this test too: it cannot be placed in a window.
  if (!(t >= floor)) {
    w.late(plan);
    return;
  }
  const list = groups ?? groupsOf(plan.groupGetters, input.event);
  if (list === undefined) return;
  const state = w.state(plan);
  for (let i = 0; i < list.length; i++) {
    const groupValues = list[i] as JsonValue[];
    if (state.kind === 'new_terms') applyNewTerms(w, state.store, plan, input, t, groupValues);
    else applyWindow(w, state, input, t, groupValues, mask);
  }
}

/** Tests one event against one rule; throws only if the rule's own code throws. */
export function applyRule(w: Windows, plan: RulePlan, input: DetectInput, t: number, latenessMs: number): void {
  const mask = selects(plan, input.event);
  if (mask !== 0) applyMatched(w, plan, input, t, w.watermark - latenessMs, mask);
}
