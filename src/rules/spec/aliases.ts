/**
 * YAML aliases, resolved once and capped. `*a` stands for the whole node
 * anchored `&a`, so ten levels of ten aliases ("billion laughs") stand for
 * 10^10 nodes in a few hundred bytes, and a selection list of aliased maps of
 * aliased lists multiplies the same way in the rule reader. The yaml
 * package's own `Alias.resolve(doc)` also walks the whole document per call,
 * so 16,000 aliases cost 16,000 walks.
 *
 * One walk in document order here maps every alias to its anchor (the last
 * one of that name before it, as YAML says) and sums what the aliases expand
 * to: each alias costs the expanded size of the node it stands for (a scalar
 * 1, a collection its nodes plus what its own aliases expand to). A document
 * whose aliases add more than MAX_ALIAS_NODES nodes, or an alias inside the
 * node it names (a cycle), is refused at that alias, before anything reads
 * the tree. Linear in the written document.
 */
import { isAlias, isCollection, isPair, type Alias, type Document } from 'yaml';

/** Nodes that aliases may add to a document: far above hand-written reuse, far below what hurts. */
export const MAX_ALIAS_NODES = 10_000;

export type AliasCheck =
  | { readonly ok: true; readonly targets: ReadonlyMap<Alias, unknown> }
  | { readonly ok: false; readonly offset: number | undefined; readonly message: string };

const children = (node: unknown): unknown[] => {
  if (isCollection(node)) return node.items as unknown[];
  if (isPair(node)) return [node.key, node.value];
  return [];
};

const startOf = (node: unknown): number | undefined => (node as { range?: readonly number[] | null } | null | undefined)?.range?.[0];

interface Frame {
  readonly node: unknown;
  readonly kids: unknown[];
  next: number;
  size: number;
}

/** Resolves and prices every alias of `doc` (see the header). */
export function checkAliases(doc: Document, max = MAX_ALIAS_NODES): AliasCheck {
  const targets = new Map<Alias, unknown>();
  const latest = new Map<string, unknown>();
  /** Expanded size of each finished node that an anchor names. */
  const sizes = new Map<unknown, number>();
  let added = 0;
  const refuse = (node: unknown, message: string): AliasCheck => ({ ok: false, offset: startOf(node), message });
  // Iterative, so deep nesting cannot overflow the stack.
  const stack: Frame[] = [];
  const enter = (node: unknown): Frame => {
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor !== undefined && !isAlias(node)) latest.set(anchor, node);
    return { node, kids: children(node), next: 0, size: isPair(node) ? 0 : 1 };
  };
  stack.push(enter(doc.contents));
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    if (top.next < top.kids.length) {
      const kid = top.kids[top.next++];
      if (kid === null || kid === undefined) continue;
      if (!isAlias(kid)) {
        stack.push(enter(kid));
        continue;
      }
      const target = latest.get(kid.source);
      if (target === undefined) continue; // the parser reports an unresolved alias
      const size = sizes.get(target);
      if (size === undefined) return refuse(kid, `YAML alias *${kid.source} is inside the node it names (a cycle)`);
      targets.set(kid, target);
      added += size;
      if (added > max) return refuse(kid, `YAML aliases expand to more than ${max.toLocaleString('en-US')} nodes here (*${kid.source} stands for ${size.toLocaleString('en-US')}); write the values out instead`);
      top.size += size;
      continue;
    }
    stack.pop();
    if ((top.node as { anchor?: string } | null)?.anchor !== undefined) sizes.set(top.node, top.size);
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.size += top.size;
  }
  return { ok: true, targets };
}
