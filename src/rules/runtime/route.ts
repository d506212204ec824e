/**
 * The ingest side of keyed mode: which events go to the keyed topic, under
 * which key, carrying what.
 *
 * For each event, the rules of its dataset and action (rule-index.ts) are
 * tested once, here. A single-event rule without suppression fires at once:
 * it needs no window. A stateful rule, or a single-event rule with
 * suppression (its suppression window is state too), turns the event into a
 * keyed input per group it belongs to: the Kafka key is the group's canonical
 * JSON, so every event of a group, from any source partition or topic,
 * reaches the one keyed partition that owns the group's windows. Rules whose
 * groups have the same values share one record (one write per distinct key),
 * which carries the union of their projected fields.
 *
 * Stateless: no watermark, no windows. Lateness is judged where the windows
 * are, in the detect stage.
 */
import type { EcsEvent, JsonValue } from '../../ecs/index.js';
import { project, projectInto, toJson } from '../state/index.js';
import { applyMatched, groupsOf, selects, type Windows } from './apply.js';
import type { Shared } from './partition.js';
import type { RulePlan } from './plan.js';
import { candidates } from './rule-index.js';
import { eventTime } from './time.js';
import type { DetectInput, Detection, KeyedRule, Routed } from './types.js';

/** A suppression group's values: null for an absent field (as alerts/suppress.ts folds them). */
function suppressionKey(getters: NonNullable<RulePlan['suppressGetters']>, event: EcsEvent): JsonValue[] {
  return getters.map((get) => toJson(get(event)) ?? null);
}

interface Pending {
  readonly rules: KeyedRule[];
  readonly plans: RulePlan[];
}

/** Single-event rules fire through the same code as in local mode; they touch no window. */
function stubWindows(out: Detection[]): Windows {
  return {
    watermark: -Infinity,
    out,
    late: () => undefined,
    seed: () => undefined,
    state: (plan) => {
      throw new Error(`rule ${plan.id} keeps windows in the detect stage`);
    },
  };
}

/**
 * `marks` holds each source partition's watermark across batches (not
 * checkpointed: after a restart it starts again from the first batch, which
 * can only make the first events after it less late, never more).
 */
export function routeBatch(shared: Shared, scope: string, inputs: readonly DetectInput[], marks: Map<string, number>, progress: Map<string, number>): Routed {
  const detections: Detection[] = [];
  const keyed: Routed['keyed'][number][] = [];
  const fire = stubWindows(detections);
  const index = shared.index;
  let watermark = marks.get(scope) ?? -Infinity;
  let passed = progress.get(scope) ?? -Infinity;
  for (let n = 0; n < inputs.length; n++) {
    const input = inputs[n] as DetectInput;
    const event = input.event;
    const future = input.future === true;
    // Every event moves the source's progress (the reorder's markers), whatever its dataset.
    let time = future ? NaN : eventTime(event);
    if (time > passed) passed = time;
    const block = event.event;
    if (typeof block !== 'object' || block === null) continue;
    const bucket = index.get(block.dataset);
    if (bucket === undefined) continue;
    if (bucket.stateful && time > watermark) watermark = time;
    let byKey: Map<string, Pending> | undefined;
    const list = candidates(bucket, block.action);
    for (let r = 0; r < list.length; r++) {
      const plan = list[r] as RulePlan;
      if (plan.disabled) continue;
      try {
        const mask = selects(plan, event);
        if (mask === 0) continue;
        if (plan.kind === 'match' && plan.suppressGetters === undefined) {
          applyMatched(fire, plan, input, NaN, 0, mask);
          continue;
        }
        // Stateful rules never see future-dated events (types.ts DetectInput.future).
        if (future && plan.kind !== 'match') continue;
        const groups = plan.suppressGetters !== undefined ? [suppressionKey(plan.suppressGetters, event)] : groupsOf(plan.groupGetters, event);
        if (groups === undefined) continue;
        for (const values of groups) {
          const key = JSON.stringify(values);
          byKey ??= new Map();
          let pending = byKey.get(key);
          if (pending === undefined) byKey.set(key, (pending = { rules: [], plans: [] }));
          pending.rules.push({ id: plan.id, fingerprint: plan.fingerprint, mask });
          pending.plans.push(plan);
        }
      } catch (err) {
        shared.quarantine(plan, err);
      }
    }
    if (byKey === undefined) continue;
    if (future) time = eventTime(event);
    for (const [key, pending] of byKey) {
      const first = pending.plans[0] as RulePlan;
      const projected = project(event, first.keyedFields);
      for (let p = 1; p < pending.plans.length; p++) projectInto(projected, event, (pending.plans[p] as RulePlan).keyedFields);
      keyed.push({
        key,
        dataset: block.dataset,
        time,
        watermark,
        rules: pending.rules,
        event: projected,
        id: input.id,
        source: scope,
        ...(input.offset !== undefined ? { offset: input.offset } : {}),
        ...(input.index !== undefined ? { index: input.index } : {}),
        ...(future ? { future } : {}),
      });
    }
  }
  if (Number.isFinite(watermark)) marks.set(scope, watermark);
  if (Number.isFinite(passed)) progress.set(scope, passed);
  return { detections, keyed, progress: passed };
}
