/**
 * Plan rewrites that keep the meaning and make evaluation cheaper:
 * constant folding, flattening nested and/or, `not not x` → x, removing
 * duplicates, `x and not x` → false, merging equality (and substring, CIDR)
 * tests of one field under an `or` into one set lookup, and finally putting
 * the cheapest tests first. Each rewrite holds for ECS arrays too: a test is
 * "any element holds", and `or` of any-element tests on one field is the
 * any-element test of the merged literal list.
 */
import { createCidrMatcher } from './cidr.js';
import { FALSE, TRUE, nodeCost, testNode, type CidrTest, type EqTest, type Node, type Test, type TextTest } from './ir.js';

export function nodeKey(n: Node): string {
  switch (n.kind) {
    case 'const':
      return n.value ? 'T' : 'F';
    case 'test':
      return n.key;
    case 'not':
      return `!${nodeKey(n.arg)}`;
    case 'and':
    case 'or':
      return `${n.kind}(${n.args.map(nodeKey).join(',')})`;
    case 'elem':
      return `elem(${JSON.stringify(n.field)},${nodeKey(n.arg)})`;
  }
}

const sortStrings = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
const sortNumbers = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);
const sortBools = (xs: Iterable<boolean>): boolean[] => [...new Set(xs)].sort((a, b) => Number(a) - Number(b));

/** The group a test may merge with under `or`, or undefined when it never merges. */
function mergeGroup(t: Test): string | undefined {
  if (t.op === 'eq' || t.op === 'contains' || t.op === 'startswith' || t.op === 'endswith') return JSON.stringify([t.op, t.field, t.cased, t.transform ?? null]);
  if (t.op === 'cidr') return JSON.stringify([t.op, t.field]);
  return undefined;
}

function mergeTests(tests: readonly Test[]): Test | undefined {
  const first = tests[0];
  if (first === undefined) return undefined;
  if (first.op === 'eq') {
    const eqs = tests as readonly EqTest[];
    return {
      ...first,
      strings: sortStrings(eqs.flatMap((t) => t.strings)),
      numbers: sortNumbers(eqs.flatMap((t) => t.numbers)),
      bools: sortBools(eqs.flatMap((t) => t.bools)),
    };
  }
  if (first.op === 'cidr') {
    const cidrs = sortStrings((tests as readonly CidrTest[]).flatMap((t) => t.cidrs));
    const matcher = createCidrMatcher(cidrs);
    return 'error' in matcher ? undefined : { ...first, cidrs, matcher };
  }
  if (first.op === 'contains' || first.op === 'startswith' || first.op === 'endswith') {
    return { ...first, values: sortStrings((tests as readonly TextTest[]).flatMap((t) => t.values)) };
  }
  return undefined;
}

/**
 * Under `or`: tests of one merge group become one test, at the first one's
 * place. Linear in the number of args (each member is appended in place, the
 * group key computed once per arg): a literal list of 100,000 values is
 * 100,000 args here.
 */
function mergeOr(args: readonly Node[]): Node[] {
  const groups = new Map<string, Test[]>();
  const groupOf = args.map((a) => (a.kind === 'test' ? mergeGroup(a.test) : undefined));
  args.forEach((a, i) => {
    const g = groupOf[i];
    if (a.kind !== 'test' || g === undefined) return;
    const members = groups.get(g);
    if (members === undefined) groups.set(g, [a.test]);
    else members.push(a.test);
  });
  const out: Node[] = [];
  const done = new Set<string>();
  for (const [i, a] of args.entries()) {
    const g = groupOf[i];
    const members = g === undefined ? undefined : groups.get(g);
    if (g === undefined || members === undefined || members.length < 2) {
      out.push(a);
      continue;
    }
    if (done.has(g)) continue;
    done.add(g);
    const merged = mergeTests(members);
    if (merged === undefined) out.push(...members.map(testNode));
    else out.push(testNode(merged));
  }
  return out;
}

function simplifyJunction(kind: 'and' | 'or', rawArgs: readonly Node[]): Node {
  const absorbing = kind === 'and' ? false : true;
  const flat: Node[] = [];
  for (const a of rawArgs.map(simplify)) {
    if (a.kind === kind) flat.push(...a.args);
    else if (a.kind === 'const' && a.value === absorbing) return a;
    else if (a.kind !== 'const') flat.push(a);
  }
  const merged = kind === 'or' ? mergeOr(flat) : flat;
  const seen = new Set<string>();
  const args: Node[] = [];
  for (const a of merged) {
    const k = nodeKey(a);
    if (seen.has(k)) continue;
    seen.add(k);
    args.push(a);
  }
  // x and not x is false; x or not x is true.
  for (const a of args) if (a.kind === 'not' && seen.has(nodeKey(a.arg))) return absorbing ? TRUE : FALSE;
  if (args.length === 0) return absorbing ? FALSE : TRUE;
  if (args.length === 1 && args[0] !== undefined) return args[0];
  return { kind, args };
}

export function simplify(n: Node): Node {
  switch (n.kind) {
    case 'const':
    case 'test':
      return n;
    case 'not': {
      const a = simplify(n.arg);
      if (a.kind === 'const') return a.value ? FALSE : TRUE;
      if (a.kind === 'not') return a.arg;
      return { kind: 'not', arg: a };
    }
    case 'and':
    case 'or':
      return simplifyJunction(n.kind, n.args);
    case 'elem': {
      // No element can satisfy false; `true` still needs an object element, so it stays.
      const a = simplify(n.arg);
      return a.kind === 'const' && !a.value ? FALSE : { kind: 'elem', field: n.field, arg: a };
    }
  }
}

/** Cheapest first inside every and/or (stable, so equal costs keep the author's order). */
export function order(n: Node): Node {
  switch (n.kind) {
    case 'const':
    case 'test':
      return n;
    case 'not':
      return { kind: 'not', arg: order(n.arg) };
    case 'elem':
      return { kind: 'elem', field: n.field, arg: order(n.arg) };
    case 'and':
    case 'or': {
      const args = n.args.map(order);
      const costs = new Map(args.map((a) => [a, nodeCost(a)]));
      return { kind: n.kind, args: [...args].sort((a, b) => (costs.get(a) ?? 0) - (costs.get(b) ?? 0)) };
    }
  }
}

/** Simplifies to a fixed point (merging can enable more folding), then orders. */
export function optimize(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 8; i++) {
    const next = simplify(cur);
    if (nodeKey(next) === nodeKey(cur)) break;
    cur = next;
  }
  return order(cur);
}
