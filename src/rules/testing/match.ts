/**
 * Does a test case's `expect` hold for the alerts a rule produced? The count
 * must be exact, and every expected alert map must be contained in a
 * DISTINCT produced alert (two expectations cannot both be satisfied by one
 * alert), which is a bipartite matching, solved here with augmenting paths.
 */
import type { JsonValue } from '../../ecs/index.js';

export type Fields = Readonly<Record<string, JsonValue>>;

/** Deep equality of JSON values; strings compare exactly (no case folding here). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/** Every key of `expected` is in `actual` with an equal value. */
export function contains(actual: Fields, expected: Fields): boolean {
  return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && jsonEqual(actual[k], v));
}

/**
 * The largest matching of expectations to distinct alerts. Returns, per
 * expectation, the index of its alert or -1 when it found none.
 */
export function matchAlerts(expected: readonly Fields[], actual: readonly Fields[]): number[] {
  const fits = expected.map((e) => actual.flatMap((a, i) => (contains(a, e) ? [i] : [])));
  const owner = new Array<number>(actual.length).fill(-1);
  const tryAssign = (e: number, seen: boolean[]): boolean => {
    for (const a of fits[e] ?? []) {
      if (seen[a]) continue;
      seen[a] = true;
      const current = owner[a] ?? -1;
      if (current === -1 || tryAssign(current, seen)) {
        owner[a] = e;
        return true;
      }
    }
    return false;
  };
  for (let e = 0; e < expected.length; e++) tryAssign(e, new Array<boolean>(actual.length).fill(false));
  const result = new Array<number>(expected.length).fill(-1);
  owner.forEach((e, a) => {
    if (e >= 0) result[e] = a;
  });
  return result;
}

/** Why `expect` failed, or undefined when it held. */
export function compareExpectation(expectedCount: number, expectedAlerts: readonly Fields[], actual: readonly Fields[]): string | undefined {
  const problems: string[] = [];
  if (actual.length !== expectedCount) problems.push(`expected ${expectedCount} alert(s), got ${actual.length}`);
  const assigned = matchAlerts(expectedAlerts, actual);
  assigned.forEach((a, e) => {
    if (a === -1) problems.push(`no distinct alert contains expected alert #${e + 1} ${JSON.stringify(expectedAlerts[e])}`);
  });
  return problems.length > 0 ? problems.join('; ') : undefined;
}
