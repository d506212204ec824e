/**
 * Reports API event parameters → a plain `{ name: value }` object.
 *
 * A parameter is `{ name, value | intValue | boolValue | multiValue |
 * multiIntValue | multiBoolValue | messageValue | multiMessageValue }`
 * (https://developers.google.com/workspace/admin/reports/reference/rest/v1/activities).
 * `messageValue` holds nested parameters (`{ parameter: [...] }`); they fold
 * into an object the same way, as Elastic's pipelines do. Panther's
 * GSuite.ActivityEvent already carries `parameters` as such an object.
 */
import type { JsonValue } from '../../../../ecs/index.js';
import { cleanJson, isObj, type Obj } from '../../accessors.js';
import type { Tree } from './util.js';

/** Value members in Elastic's order: a later one wins when a parameter carries two. */
const VALUE_KEYS = ['value', 'multiValue', 'messageValue', 'multiMessageValue', 'intValue', 'multiIntValue', 'boolValue', 'multiBoolValue'] as const;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Depth bound for nested message values (decode bounds depth too; this keeps recursion cheap). */
const MAX_DEPTH = 8;

function foldMessage(message: unknown, depth: number): JsonValue | undefined {
  if (!isObj(message)) return undefined;
  const nested = message['parameter'];
  if (!Array.isArray(nested)) return cleanJson(message) as JsonValue | undefined;
  const out = foldList(nested, depth + 1);
  const keys = Object.keys(out).sort();
  if (keys.length === 0) return undefined;
  // Sorted keys: folded messages in lists compare equal whatever order Google sent their parameters in.
  const sorted: Tree = {};
  for (const key of keys) sorted[key] = out[key];
  return sorted;
}

function valueOf(p: Obj, depth: number): JsonValue | undefined {
  let result: JsonValue | undefined;
  for (const key of VALUE_KEYS) {
    const raw = p[key];
    if (raw === undefined || raw === null) continue;
    let v: JsonValue | undefined;
    if (key === 'messageValue') {
      v = depth < MAX_DEPTH ? foldMessage(raw, depth) : undefined;
    } else if (key === 'multiMessageValue') {
      if (!Array.isArray(raw) || depth >= MAX_DEPTH) continue;
      const list: JsonValue[] = [];
      for (const m of raw) {
        const folded = foldMessage(m, depth);
        if (folded !== undefined) list.push(folded);
      }
      v = list.length > 0 ? list : undefined;
    } else {
      v = cleanJson(raw) as JsonValue | undefined;
    }
    if (v !== undefined) result = v;
  }
  return result;
}

function foldList(list: readonly unknown[], depth: number): Tree {
  const out: Tree = {};
  for (const p of list) {
    if (!isObj(p)) continue;
    const name = p['name'];
    if (typeof name !== 'string' || name === '' || FORBIDDEN.has(name)) continue;
    const v = valueOf(p, depth);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * The parameters of one event, folded. Accepts the Reports API list form and
 * Panther's pre-folded object form; anything else gives an empty object.
 */
export function foldParameters(parameters: unknown): Tree {
  if (Array.isArray(parameters)) return foldList(parameters, 0);
  if (isObj(parameters)) {
    const copy = cleanJson(parameters);
    return isObj(copy) ? (copy as Tree) : {};
  }
  return {};
}
