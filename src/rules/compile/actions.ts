/**
 * The `event.action` prefilter: the lowercased actions an event must have for
 * the plan to possibly hold. The runtime indexes rules by it, so most rules
 * are never even tried on most events. Sound, not complete: when in doubt
 * (negations, non-string literals, tests on other fields) the answer is
 * "unconstrained" (`undefined`), never a set that would drop a real match.
 */
import type { Node } from './ir.js';

export const ACTION_FIELD = 'event.action';

type Pinned = ReadonlySet<string> | undefined;

function intersect(a: Pinned, b: Pinned): Pinned {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return new Set([...a].filter((x) => b.has(x)));
}

function pinned(n: Node): Pinned {
  switch (n.kind) {
    case 'const':
      // `false` requires an impossible action; `true` requires nothing.
      return n.value ? undefined : new Set();
    case 'not':
    case 'elem':
      // An element's `event.action` is not the event's.
      return undefined;
    case 'test': {
      const t = n.test;
      // Numbers and booleans compare by value, not by text: no literal list to pin.
      if (t.field !== ACTION_FIELD || t.op !== 'eq' || t.transform !== undefined || t.numbers.length > 0 || t.bools.length > 0) return undefined;
      return new Set(t.strings.map((s) => s.toLowerCase()));
    }
    case 'and':
      return n.args.map(pinned).reduce<Pinned>(intersect, undefined);
    case 'or': {
      const out = new Set<string>();
      for (const a of n.args) {
        const p = pinned(a);
        if (p === undefined) return undefined;
        for (const x of p) out.add(x);
      }
      return out;
    }
  }
}

/** Sorted action list, or `undefined` when the plan does not pin the action. */
export function extractActions(plans: readonly Node[]): readonly string[] | undefined {
  const all = new Set<string>();
  for (const p of plans) {
    const s = pinned(p);
    if (s === undefined) return undefined;
    for (const x of s) all.add(x);
  }
  return [...all].sort();
}
