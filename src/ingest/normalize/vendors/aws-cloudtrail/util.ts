import type { JsonValue } from '../../../../ecs/index.js';

/** Shared with every vendor: see accessors.ts. */
export { compact } from '../../accessors.js';

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
