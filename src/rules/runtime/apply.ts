/**
 * Applying one event to one rule. The loop in partition.ts calls `applyRule`
 * for each candidate; everything before the predicate answers true is
 * allocation-free, so an event that matches nothing costs no garbage.
 *
 * For stateful rules, in order: predicate → lateness (event time older than
 * watermark − dataset lateness: counted, not applied) → group values (an
 * event missing a group field, or holding null there, is skipped: it belongs
 * to no group) → replay guard (position (offset, index in the record) ≤ the
 * slot's: already applied before a restore, skipped) → the store.
 */
import type { EcsEvent, JsonValue } from '../../ecs/index.js';
import {
  cardinalityAdd,
  combinations,
  isNewTerm,
  positionOf,
  project,
  sequenceAdd,
  thresholdAdd,
  toJson,
  type KeyedStore,
  type Mark,
  type Slot,
  type StepMark,
  type ValueMark,
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
  | { readonly kind: 'new_terms'; plan: RulePlan; readonly store: KeyedStore<null> };

/** What a rule application needs from its partition. */
export interface Windows {
  readonly watermark: number;
  /** Where detections go; the partition points it at each batch's array. */
  out: Detection[];
  late(plan: RulePlan): void;
  state(plan: RulePlan): RuleState;
}

function valuesOf(getters: RulePlan['groupGetters'], event: EcsEvent): JsonValue[] | undefined {
  const values: JsonValue[] = [];
  for (const get of getters) {
    const v = toJson(get(event));
    if (v === undefined || v === null) return undefined;
    values.push(v);
  }
  return values;
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
function enter<S>(store: KeyedStore<S>, group: string, t: number, off: bigint | undefined, init: () => S): Slot<S> | undefined {
  let slot = store.get(group);
  if (slot === undefined) slot = store.add(group, init(), t);
  else if (off !== undefined && slot.off !== undefined && off <= slot.off) return undefined;
  else store.touch(group, slot);
  if (t > slot.last) slot.last = t;
  if (off !== undefined) slot.off = off;
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
    const slot = enter(state.store, group, t, off, emptyList<Mark>);
    if (slot) fired = thresholdAdd(slot.state, { t, id: input.id, s }, { count: plan.count, windowMs: plan.spanMs }, cutoff);
  } else if (state.kind === 'cardinality') {
    const raw = valuesOf(plan.valueGetters, event);
    if (raw === undefined) return;
    const values = jsonTexts(raw[0] as JsonValue);
    if (values.length === 0) return;
    const slot = enter(state.store, group, t, off, emptyList<ValueMark>);
    if (slot) fired = cardinalityAdd(slot.state, values, t, input.id, s, { count: plan.count, windowMs: plan.spanMs });
  } else if (state.kind === 'sequence') {
    const slot = enter(state.store, group, t, off, emptyList<StepMark>);
    if (slot) fired = sequenceAdd(slot.state, { t, id: input.id, s, m: mask }, { counts: plan.stepCounts, maxspanMs: plan.spanMs, cap: plan.bufferCap }, cutoff);
  }
  if (fired) w.out.push(windowDetection(plan, group, groupRecord(plan.groupFields, groupValues), fired, event));
}

function applyNewTerms(w: Windows, store: KeyedStore<null>, plan: RulePlan, input: DetectInput, t: number, groupValues: JsonValue[]): void {
  const terms = valuesOf(plan.valueGetters, input.event);
  if (terms === undefined) return;
  const off = positionOf(input.offset, input.index);
  // The group's baseline marker (a key no JSON tuple can equal). A group seen
  // for the first time within the history window only learns its terms: on a
  // fresh start every value would otherwise be "new" and page for every user.
  const marker = `@group:${JSON.stringify(groupValues)}`;
  const known = store.get(marker) !== undefined && !isNewTerm(store.get(marker)?.last, t, plan.spanMs);
  if (enter(store, marker, t, off, noState) === undefined) return;
  for (const tuple of combinations(terms)) {
    const values = [...groupValues, ...tuple];
    const group = JSON.stringify(values);
    const seen = store.get(group)?.last;
    if (enter(store, group, t, off, noState) === undefined) continue;
    // The detection's group is the group-by values plus the new tuple: one alert per new tuple.
    if (known && isNewTerm(seen, t, plan.spanMs)) w.out.push(eventDetection(plan, input, t, group, groupRecord([...plan.groupFields, ...plan.valueFields], values)));
  }
}

/** Tests one event against one rule; throws only if the rule's own code throws. */
export function applyRule(w: Windows, plan: RulePlan, input: DetectInput, t: number, latenessMs: number): void {
  const event = input.event;
  let mask = 0;
  if (plan.kind === RuleKind.sequence) {
    mask = stepMask(plan, event);
    if (mask === 0) return;
  } else if (!plan.rule.match(event)) {
    return;
  } else if (plan.kind === RuleKind.match) {
    const ms = Number.isNaN(t) ? eventTime(event) : t;
    w.out.push(eventDetection(plan, input, ms, input.id, {}));
    return;
  }
  // NaN (no usable time) fails this test too: it cannot be placed in a window.
  if (!(t >= w.watermark - latenessMs)) {
    w.late(plan);
    return;
  }
  const groupValues = valuesOf(plan.groupGetters, event);
  if (groupValues === undefined) return;
  const state = w.state(plan);
  if (state.kind === 'new_terms') applyNewTerms(w, state.store, plan, input, t, groupValues);
  else applyWindow(w, state, input, t, groupValues, mask);
}
