/**
 * Specializing a plan for one dataset at load: the runtime tests an event
 * only against the rules of its own dataset (rule-index.ts), so in that
 * dataset's predicate every `event.dataset` equality is known in advance and
 * folds to a constant. A per-dataset selection (`sign_in: {okta.system: …,
 * aws.cloudtrail: …}`) lowers to `or(event.dataset = d and branch_d)`
 * (lower.ts), so after folding each dataset's predicate holds only its own
 * branch: the dataset switch happens once, at setup, not per event.
 */
import { DATASET_FIELD, FALSE, TRUE, type Node } from './ir.js';

/** Whether an equality test on `event.dataset` holds for `dataset`. */
function holds(strings: readonly string[], cased: boolean, dataset: string): boolean {
  return strings.includes(cased ? dataset : dataset.toLowerCase());
}

export function specialize(n: Node, dataset: string): Node {
  switch (n.kind) {
    case 'const':
      return n;
    case 'test': {
      const t = n.test;
      if (t.op !== 'eq' || t.field !== DATASET_FIELD || t.transform !== undefined) return n;
      return holds(t.strings, t.cased, dataset) ? TRUE : FALSE;
    }
    case 'not':
      return { kind: 'not', arg: specialize(n.arg, dataset) };
    case 'and':
    case 'or':
      return { kind: n.kind, args: n.args.map((a) => specialize(a, dataset)) };
    case 'elem':
      // Inside an element, `event.dataset` is the element's own key, not the event's.
      return n;
  }
}
