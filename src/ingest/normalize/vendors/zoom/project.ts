/**
 * Schema-driven copy of Zoom webhook objects. The `zoom.<object>.*` fields
 * declared in the catalog (src/ecs/namespaces/zoom.ts) say which keys of a
 * payload object are kept and with which type; the projection is compiled
 * once from the catalog, so adding a field there is all it takes.
 */
import { fieldsOf, type FieldDef, type JsonObject } from '../../../../ecs/index.js';
import { bool, cleanJson, int, isObj, type Obj } from '../../accessors.js';
import { dateValue, keywordValue } from './util.js';

interface Node {
  readonly leaf?: FieldDef;
  readonly children: Map<string, Node>;
}

export type Projection = (o: Obj | undefined) => JsonObject | undefined;

function insert(root: Node, path: readonly string[], def: FieldDef): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as string;
    let child = node.children.get(key);
    if (child === undefined) {
      child = i === path.length - 1 ? { leaf: def, children: new Map() } : { children: new Map() };
      node.children.set(key, child);
    }
    node = child;
  }
}

function valueOf(v: unknown, def: FieldDef): unknown {
  switch (def.type) {
    case 'keyword':
      return keywordValue(v);
    case 'long':
      return int({ v }, 'v');
    case 'boolean':
      return bool({ v }, 'v');
    case 'date':
      return dateValue(v);
    case 'flattened':
      return cleanJson(v);
    default:
      return undefined;
  }
}

function copy(o: Obj, node: Node): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const [key, child] of node.children) {
    if (!Object.hasOwn(o, key)) continue;
    const v = o[key];
    const value = child.leaf ? valueOf(v, child.leaf) : isObj(v) ? copy(v, child) : undefined;
    if (value === undefined) continue;
    out ??= {};
    out[key] = value as JsonObject[string];
  }
  return out;
}

/** The projection of `zoom.<object>.*` (e.g. `projection('meeting')`). */
export function projection(object: string): Projection {
  const prefix = `zoom.${object}.`;
  const root: Node = { children: new Map() };
  for (const def of fieldsOf('zoom.webhook') ?? []) {
    if (def.name.startsWith(prefix)) insert(root, def.name.slice(prefix.length).split('.'), def);
  }
  return (o) => (o === undefined ? undefined : copy(o, root));
}
