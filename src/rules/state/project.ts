/**
 * Projecting an event to the few fields an alert shows: window state keeps
 * projections, not events, because state is checkpointed and restored, and a
 * full event per mark would dominate it.
 */
import type { EcsEvent, JsonObject, JsonValue } from '../../ecs/index.js';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON value as stored and compared, or undefined (absent, or not representable in JSON). */
export function toJson(v: unknown): JsonValue | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : undefined;
    case 'object':
      // Events are parsed JSON, so objects and arrays in them are JSON too.
      return v as JsonValue;
    default:
      return undefined;
  }
}

export interface ProjectedField {
  readonly path: string;
  readonly segments: readonly string[];
  readonly get: (event: EcsEvent) => unknown;
}

/** Puts a value at a dotted path, creating objects; skips it when a scalar is in the way. */
function put(target: JsonObject, segments: readonly string[], value: JsonValue): void {
  let cur = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i] as string;
    const next = cur[key];
    if (next === undefined) cur = cur[key] = {};
    else if (isObject(next)) cur = next;
    else return;
  }
  cur[segments[segments.length - 1] as string] = value;
}

/** Adds the listed fields of `event` to a projection. */
export function projectInto(out: EcsEvent, event: EcsEvent, fields: readonly ProjectedField[]): void {
  for (const f of fields) {
    const v = toJson(f.get(event));
    if (v !== undefined) put(out, f.segments, v);
  }
}

/** `@timestamp`, the `event` block's identity and the listed fields, nothing else. */
export function project(event: EcsEvent, fields: readonly ProjectedField[]): EcsEvent {
  const e = event.event;
  const block: EcsEvent['event'] = { kind: e.kind, dataset: e.dataset, module: e.module };
  if (e.action !== undefined) block.action = e.action;
  if (e.outcome !== undefined) block.outcome = e.outcome;
  const out: EcsEvent = { '@timestamp': event['@timestamp'], event: block };
  projectInto(out, event, fields);
  return out;
}
