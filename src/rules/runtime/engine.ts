/**
 * The engine: the current rules (planned and indexed once per load), the
 * partitions' state, hot reload and quarantine.
 *
 * - Rules with `enabled: false` are not run. Ids are unique per load (the
 *   loader enforces it); a repeated id keeps its first rule.
 * - Quarantine: a rule whose predicate, getter or window code throws is
 *   removed from the index for every partition, its state is dropped
 *   (tombstoned), onQuarantine is called once, and the batch goes on with the
 *   other rules. A rule that cannot be planned (e.g. its compiled getters do
 *   not match its spec) is quarantined at load the same way.
 * - update(): a rule keeps its windows when its id, version and generated
 *   source are unchanged; otherwise, or when it is gone, its state is dropped
 *   and tombstoned at the next checkpoint. A quarantined rule stays
 *   quarantined until it changes.
 */
import type { CompiledRule } from '../compile/types.js';
import { createPartition, type Partition, type Shared } from './partition.js';
import { fingerprintOf, planRule, type RulePlan } from './plan.js';
import { buildIndex } from './rule-index.js';
import { routeBatch } from './route.js';
import type { Engine, EngineOptions } from './types.js';

export const DEFAULT_LATENESS_MS = 5 * 60_000;
export const DEFAULT_MAX_KEYS_PER_RULE = 100_000;

export function createEngine(initial: readonly CompiledRule[], opts: EngineOptions = {}): Engine {
  const latenessOf = opts.latenessMs ?? (() => DEFAULT_LATENESS_MS);
  const hooks = opts.hooks ?? {};
  /** Quarantined rule id → fingerprint of the version that threw. */
  const quarantinedAt = new Map<string, string>();
  const quarantined = new Set<string>();
  const partitions = new Map<string, Partition>();
  let rules = initial;
  /** Keyed mode: each source partition's watermark, as the ingest stage routes its batches. */
  const sourceMarks = new Map<string, number>();
  /** Per source partition, the newest event time of any event routed (the reorder markers' watermark). */
  const sourceProgress = new Map<string, number>();

  function reindex(): void {
    shared.index = buildIndex([...shared.plans.values()], latenessOf);
    for (const p of partitions.values()) p.reconcile();
  }

  function isolate(id: string, fingerprint: string, error: unknown): void {
    quarantinedAt.set(id, fingerprint);
    quarantined.add(id);
    hooks.onQuarantine?.(id, error);
  }

  const shared: Shared = {
    index: new Map(),
    plans: new Map(),
    maxKeys: Math.max(1, Math.floor(opts.maxKeysPerRule ?? DEFAULT_MAX_KEYS_PER_RULE)),
    hooks,
    seeds: new Map(),
    quarantine(plan: RulePlan, error: unknown) {
      if (plan.disabled) return;
      plan.disabled = true;
      const plans = new Map(shared.plans);
      plans.delete(plan.id);
      shared.plans = plans;
      reindex();
      isolate(plan.id, plan.fingerprint, error);
    },
  };

  function load(next: readonly CompiledRule[]): void {
    const plans = new Map<string, RulePlan>();
    const ids = new Set<string>();
    for (const rule of next) {
      const id = rule.spec.id;
      if (!rule.spec.enabled || ids.has(id)) continue;
      ids.add(id);
      const fingerprint = fingerprintOf(rule);
      if (quarantinedAt.get(id) === fingerprint) continue;
      quarantinedAt.delete(id);
      quarantined.delete(id);
      const plan = planRule(rule, latenessOf);
      if (plan instanceof Error) isolate(id, fingerprint, plan);
      else plans.set(id, plan);
    }
    // Quarantines of rules that are gone are forgotten.
    for (const id of [...quarantined]) {
      if (!ids.has(id)) {
        quarantined.delete(id);
        quarantinedAt.delete(id);
      }
    }
    shared.plans = plans;
    reindex();
  }

  load(initial);

  return {
    partition(scope) {
      let p = partitions.get(scope);
      if (p === undefined) partitions.set(scope, (p = createPartition(shared)));
      return p;
    },
    route(scope, inputs) {
      return routeBatch(shared, scope, inputs, sourceMarks, sourceProgress);
    },
    drop(scope) {
      partitions.delete(scope);
    },
    seed(rule, seed) {
      if (seed === undefined) shared.seeds.delete(rule.spec.id);
      else shared.seeds.set(rule.spec.id, { fingerprint: fingerprintOf(rule), seed });
    },
    update(next) {
      rules = next;
      load(next);
    },
    get quarantined() {
      return quarantined;
    },
    get rules() {
      return rules;
    },
  };
}
