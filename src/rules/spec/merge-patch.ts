/**
 * JSON Merge Patch (RFC 7386, https://www.rfc-editor.org/rfc/rfc7386): how a
 * test event's `overrides` apply to the rule file's `base_event`. Maps merge
 * key by key, recursively; `null` deletes the key; anything else (a scalar,
 * a list) replaces the value whole. So a case states only what differs from
 * the base, and can still remove a field the base has.
 */
import type { JsonValue } from '../../ecs/index.js';

type JsonMap = { [key: string]: JsonValue };

function isMap(v: JsonValue | undefined): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A new value: `target` with `patch` applied. Neither input is changed. */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isMap(patch)) return patch;
  const out: JsonMap = {};
  // defineProperty: a key such as "__proto__" stays an own data key, as the YAML reader made it.
  const put = (k: string, v: JsonValue): void => void Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  if (isMap(target)) for (const [k, v] of Object.entries(target)) put(k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else put(k, mergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v));
  }
  return out;
}
