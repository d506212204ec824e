import type { FieldDef } from './catalog.js';

/** Dotted field names folded into the nested shape ES and JSON use. */
export interface FieldTree {
  readonly leaf?: FieldDef;
  readonly children: Map<string, FieldTree>;
}

interface MutableTree {
  leaf?: FieldDef;
  children: Map<string, MutableTree>;
}

/**
 * Builds the nested tree. `@timestamp` and similar names stay one segment.
 * A name that is both a leaf and a parent is a catalog bug, caught at setup.
 */
export function buildFieldTree(fields: readonly FieldDef[]): FieldTree {
  const root: MutableTree = { children: new Map() };
  for (const field of fields) {
    let node = root;
    for (const part of field.name.split('.')) {
      if (node.leaf) throw new Error(`ECS catalog: ${field.name} is nested under the leaf ${node.leaf.name}`);
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    if (node.leaf || node.children.size > 0) throw new Error(`ECS catalog: ${field.name} is declared twice or is also a parent`);
    node.leaf = field;
  }
  return root;
}

/** Every dotted leaf path in a JSON value (undefined members skipped, as JSON does), for conformance checks. */
export function leafPaths(value: unknown, prefix = '', out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leafPaths(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else if (prefix !== '' && value !== undefined) {
    out.set(prefix, value);
  }
  return out;
}
