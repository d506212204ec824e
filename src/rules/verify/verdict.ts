/**
 * Whether a compiled rule acts on one event: the event is of the rule's
 * datasets and its condition holds (for a sequence, the condition of some
 * step), with the dataset's own predicates for per-dataset selections. For a
 * single-event rule that is an alert; for a stateful rule it is an event the
 * rule counts toward its threshold, cardinality, new term or sequence, which
 * is also what a Panther test of a thresholded rule asserts (Panther applies
 * its threshold after `rule()`, outside the test).
 */
import type { EcsEvent } from '../../ecs/index.js';
import type { CompiledRule } from '../compile/types.js';

export function ruleActsOn(rule: CompiledRule, event: EcsEvent): boolean {
  const block = event.event;
  const dataset = typeof block === 'object' && block !== null ? block.dataset : undefined;
  if (typeof dataset !== 'string' || !rule.spec.datasets.includes(dataset)) return false;
  const own = rule.byDataset?.get(dataset);
  if (rule.spec.aggregation?.type === 'sequence') return (own?.steps ?? rule.steps).some((step) => step(event));
  return (own?.match ?? rule.match)(event);
}
