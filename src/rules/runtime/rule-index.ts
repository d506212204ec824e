/**
 * Rules indexed by dataset, then by lowercased `event.action`: an event is
 * tested only against the rules that could match it. Rules that do not pin
 * the action (CompiledRule.actions undefined) are in every action's list of
 * their datasets. Lists keep rule order, so detections come out in rule order.
 */
import type { RulePlan } from './plan.js';

export interface DatasetBucket {
  /** Allowed lateness of this dataset (ms), read once. */
  readonly latenessMs: number;
  /** Whether any rule here keeps windows: only then is the event time parsed. */
  readonly stateful: boolean;
  /** Rules for an event whose action is absent or pinned by no rule. */
  readonly any: readonly RulePlan[];
  /** Lowercased action → its rules merged with `any`, in rule order. */
  readonly byAction: ReadonlyMap<string, readonly RulePlan[]>;
  /**
   * Raw action → list, so the steady state neither lowercases (which may
   * allocate) nor merges per event. Bounded: past MEMO_MAX it stops growing.
   */
  readonly memo: Map<string, readonly RulePlan[]>;
}

const MEMO_MAX = 4096;

/**
 * The plan as a dataset's events see it: itself, or for a rule with
 * per-dataset selections a view whose predicates are that dataset's
 * specialization (compile/dataset.ts), chosen here once per load rather
 * than per event. The view shares the plan's identity where the runtime
 * needs it: its id and fingerprint (state), and its `disabled` flag
 * (quarantine), which reads and writes the plan's own.
 */
function viewFor(plan: RulePlan, dataset: string): RulePlan {
  const own = plan.rule.byDataset?.get(dataset);
  if (own === undefined) return plan;
  const rule = { ...plan.rule, match: own.match, steps: own.steps, reference: own.reference, referenceSteps: own.referenceSteps };
  return Object.create(plan, {
    rule: { value: rule, enumerable: true },
    disabled: {
      get: () => plan.disabled,
      set: (v: boolean) => {
        plan.disabled = v;
      },
      enumerable: true,
    },
  }) as RulePlan;
}

export function buildIndex(plans: readonly RulePlan[], latenessOf: (dataset: string) => number): Map<string, DatasetBucket> {
  const byDataset = new Map<string, RulePlan[]>();
  for (const plan of plans) {
    for (const ds of new Set(plan.rule.spec.datasets)) {
      const list = byDataset.get(ds) ?? [];
      list.push(viewFor(plan, ds));
      byDataset.set(ds, list);
    }
  }
  const index = new Map<string, DatasetBucket>();
  for (const [ds, list] of byDataset) {
    const actions = new Set(list.flatMap((p) => p.rule.actions?.map((a) => a.toLowerCase()) ?? []));
    const byAction = new Map<string, RulePlan[]>();
    for (const action of actions) {
      byAction.set(
        action,
        list.filter((p) => p.rule.actions === undefined || p.rule.actions.some((a) => a.toLowerCase() === action)),
      );
    }
    index.set(ds, {
      latenessMs: latenessOf(ds),
      stateful: list.some((p) => p.kind !== 'match'),
      any: list.filter((p) => p.rule.actions === undefined),
      byAction,
      memo: new Map(),
    });
  }
  return index;
}

export function candidates(bucket: DatasetBucket, action: unknown): readonly RulePlan[] {
  if (typeof action !== 'string') return bucket.any;
  const hit = bucket.memo.get(action);
  if (hit !== undefined) return hit;
  const list = bucket.byAction.get(action.toLowerCase()) ?? bucket.any;
  if (bucket.memo.size < MEMO_MAX) bucket.memo.set(action, list);
  return list;
}
