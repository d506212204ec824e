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
 * Compiles a serializer once per dataset at setup; the hot path calls the
 * generated function only.
 */
export function createSerializer(fields: readonly FieldDef[]): Serializer {
  return fastJson(documentSchema(fields)) as Serializer;
}
