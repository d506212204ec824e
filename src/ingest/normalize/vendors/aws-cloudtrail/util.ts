import type { JsonObject, JsonValue } from '../../../../ecs/index.js';

/**
 * `undefined` when every member is undefined, else the object itself. Members
 * stay in place (the serializer skips undefined ones): deleting keys would
 * push V8 objects into slow dictionary mode on the hot path.
 */
export function compact<T extends JsonObject>(o: T): T | undefined {
  for (const key in o) if (o[key] !== undefined) return o;
  return undefined;
}

/** A list for an ECS array field: undefined when empty. */
export const list = (values: readonly string[]): string[] | undefined => (values.length > 0 ? [...values] : undefined);

/** A JSON value the swept copy produced, typed for the event tree. */
export const asJson = (v: unknown): JsonValue | undefined => v as JsonValue | undefined;

/** A keyword from a vendor scalar: strings as they are, booleans and numbers as text. */
export function keywordOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  return undefined;
}
