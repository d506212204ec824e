/**
 * Building Detection objects: only when something fired, so allocation here
 * is off the hot path.
 */
import type { EcsEvent, JsonValue } from '../../ecs/index.js';
import { toJson, type Fired } from '../state/index.js';
import type { RulePlan } from './plan.js';
import type { DetectInput, Detection } from './types.js';

/** Field name → value for the group (and, for new_terms, the tuple). */
export function groupRecord(fields: readonly string[], values: readonly JsonValue[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (let i = 0; i < fields.length; i++) out[fields[i] as string] = values[i] as JsonValue;
  return out;
}

/**
 * Group fields plus output fields read from `event` (the event whose arrival
 * completed the detection); absent fields are omitted.
 */
function fieldsOf(plan: RulePlan, group: Readonly<Record<string, JsonValue>>, event: EcsEvent): Record<string, JsonValue> {
  const fields: Record<string, JsonValue> = { ...group };
  const names = plan.rule.spec.outputFields;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (Object.hasOwn(fields, name)) continue;
    const v = toJson(plan.rule.output[i]?.(event));
    if (v !== undefined) fields[name] = v;
  }
  return fields;
}

export function windowDetection(plan: RulePlan, groupKey: string, group: Record<string, JsonValue>, fired: Fired, event: EcsEvent): Detection {
  return {
    rule: plan.rule,
    groupKey,
    group,
    windowStartMs: fired.windowStartMs,
    firstEventMs: fired.firstEventMs,
    lastEventMs: fired.lastEventMs,
    count: fired.count,
    eventIds: fired.eventIds,
    fields: fieldsOf(plan, group, event),
    sample: fired.sample,
  };
}

/**
 * One event, one detection: single-event rules and new terms. groupKey is
 * given (the event id, or the group + tuple); an unparseable time is 0.
 */
export function eventDetection(plan: RulePlan, input: DetectInput, t: number, groupKey: string, group: Record<string, JsonValue>): Detection {
  const ms = Number.isFinite(t) ? t : 0;
  return {
    rule: plan.rule,
    groupKey,
    group,
    windowStartMs: ms,
    firstEventMs: ms,
    lastEventMs: ms,
    count: 1,
    eventIds: [input.id],
    fields: fieldsOf(plan, group, input.event),
    sample: [input.event],
  };
}
