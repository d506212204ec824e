import fastJson from 'fast-json-stringify';
import type { FieldDef } from './catalog.js';
import { buildFieldTree, type FieldTree } from './tree.js';
import type { EcsEvent } from './event.js';

type JsonSchema = Record<string, unknown>;

function leafSchema(field: FieldDef): JsonSchema {
  let item: JsonSchema;
  switch (field.type) {
    case 'long':
      item = { type: 'integer' };
      break;
    case 'float':
      item = { type: 'number' };
      break;
    case 'boolean':
      item = { type: 'boolean' };
      break;
    case 'geo_point':
      item = { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } }, required: ['lat', 'lon'] };
      break;
    case 'flattened':
      // Open-ended vendor data: any JSON, written with JSON.stringify.
      return {};
    default:
      item = { type: 'string' };
  }
  return field.array ? { type: 'array', items: item } : item;
}

function nodeSchema(node: FieldTree): JsonSchema {
  if (node.leaf) return leafSchema(node.leaf);
  const properties: Record<string, JsonSchema> = {};
  for (const [name, child] of node.children) properties[name] = nodeSchema(child);
  // Keys the catalog does not declare are dropped: that is what keeps
  // mappings bounded. Vendor data with no ECS home must be declared under
  // the vendor namespace (flattened where open-ended).
  return { type: 'object', properties, additionalProperties: false };
}

/** The JSON schema of a dataset's documents, derived from the catalog. */
export function documentSchema(fields: readonly FieldDef[]): JsonSchema {
  return nodeSchema(buildFieldTree(fields));
}

export type Serializer = (event: EcsEvent) => string;

/**
 * The digit string `s` as a JSON integer text (`-?(0|[1-9][0-9]*)`: leading
 * zeros dropped, since JSON forbids them), or undefined if `s` is not
 * `-?[0-9]+`. Only strings in `long` fields get here, and only those that
 * decode kept exact (beyond 2^53) or a normalizer passed through: ordinary
 * numbers never pay for it.
 */
export function integerText(s: string): string | undefined {
  const n = s.length;
  const neg = n > 0 && s.charCodeAt(0) === 0x2d;
  let i = neg ? 1 : 0;
  if (i === n) return undefined;
  for (let k = i; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  while (i < n - 1 && s.charCodeAt(i) === 0x30) i++;
  const digits = s.slice(i);
  if (digits === '0') return '0';
  return neg ? `-${digits}` : digits;
}

/** What fast-json-stringify's generated code calls to write an integer (its Serializer#asInteger). */
interface IntegerWriter {
  asInteger(value: unknown): string;
}

interface DebugBuild {
  readonly code: string;
  readonly validator: unknown;
  readonly serializer: IntegerWriter;
}

/**
 * fast-json-stringify writes a `long` through Number(), so a digit string
 * beyond 2^53 (how decode keeps big integers exact) would come out rounded:
 * "12345678901234567891" as 12345678901234567000. The generated code's
 * integer writer is replaced, through the library's documented debug build +
 * restore, by one that writes such a string as its exact bare digits and
 * leaves everything else to the original (numbers, bigints, the rounding or
 * refusal of anything else).
 *
 * Beyond signed 64 bits the digits are still written as they are: ES refuses
 * the document (mapper_parsing_exception, "out of range for a long") and it
 * goes to the DLQ as SIFT_INDEX_MAPPING_REJECTED with ES's reason. Nothing is
 * clamped, rounded or dropped without a trace.
 */
function exactIntegers(base: IntegerWriter): IntegerWriter {
  const original = base.asInteger.bind(base);
  const asInteger = (value: unknown): string => {
    if (typeof value === 'string') {
      const text = integerText(value);
      if (text !== undefined) return text;
    }
    return original(value);
  };
  // The generated code destructures the other writers from this object, so it inherits them.
  return Object.create(base, { asInteger: { value: asInteger } }) as IntegerWriter;
}

/**
 * Compiles a serializer once per dataset at setup; the hot path calls the
 * generated function only.
 */
export function createSerializer(fields: readonly FieldDef[]): Serializer {
  const debug = fastJson(documentSchema(fields), { mode: 'debug' }) as unknown as DebugBuild;
  const restore = fastJson.restore as unknown as (build: DebugBuild) => Serializer;
  return restore({ code: debug.code, validator: debug.validator, serializer: exactIntegers(debug.serializer) });
}
