/**
 * RuleSpec → CompiledRule, once at load: check fields against the catalog,
 * lower to the plan, optimize, then emit both backends from the same plan.
 */
import { knownDatasets } from '../../ecs/index.js';
import { checkConditionNames, type Condition, type RuleIssue, type RuleSpec } from '../spec/index.js';
import { extractActions } from './actions.js';
import { checkFields } from './check.js';
import { generate, type Generated } from './codegen.js';
import { getter } from './getter.js';
import { interpret } from './interpret.js';
import type { Node } from './ir.js';
import { toIssue } from './issues.js';
import { lowerCondition, lowerSelections, type Problem } from './lower.js';
import { optimize } from './optimize.js';
import { printPlan } from './plan.js';
import type { CompiledRule, CompileOptions } from './types.js';

export interface CompileResult {
  readonly rule?: CompiledRule;
  readonly issues: RuleIssue[];
}

/** Conditions of the rule with the document path each came from. */
function conditions(spec: RuleSpec): { path: string; cond: Condition }[] {
  const a = spec.aggregation;
  if (a?.type === 'sequence') return a.steps.map((s, i) => ({ path: `sequence.steps[${i}].condition`, cond: s.condition }));
  return [{ path: 'detection.condition', cond: spec.detection.condition }];
}

function checkSpec(spec: RuleSpec): Problem[] {
  const known = knownDatasets();
  const problems: Problem[] = spec.datasets.filter((d) => !known.includes(d)).map((d) => ({ path: 'scope.datasets', message: `unknown dataset "${d}"` }));
  if (spec.datasets.length === 0) problems.push({ path: 'scope.datasets', message: 'a rule needs at least one dataset' });
  const names = spec.detection.selections.map((s) => s.name);
  for (const { path, cond } of conditions(spec)) problems.push(...checkConditionNames(cond, names).map((message) => ({ path, message })));
  return [...problems, ...checkFields(spec)];
}

function groupFields(spec: RuleSpec): readonly string[] {
  const a = spec.aggregation;
  if (a === undefined) return [];
  return a.type === 'sequence' ? a.by : a.groupBy;
}

interface Emitted {
  readonly plans: readonly Node[];
  readonly match: Generated;
  readonly steps: readonly Generated[];
}

function emit(spec: RuleSpec, plans: readonly Node[], isSequence: boolean): Emitted {
  if (!isSequence) {
    const root = plans[0] ?? { kind: 'const', value: false };
    return { plans, match: generate(root, `Sift rule ${spec.id}: detection.condition`, 'match_build'), steps: [] };
  }
  // A sequence has no single condition: `match` says whether an event can take part in any step.
  const any = optimize({ kind: 'or', args: plans });
  const steps = plans.map((p, i) => generate(p, `Sift rule ${spec.id}: sequence step ${i + 1}`, `step${i + 1}_build`));
  return { plans, match: generate(any, `Sift rule ${spec.id}: any sequence step`, 'match_build'), steps };
}

function explain(spec: RuleSpec, e: Emitted, isSequence: boolean): string {
  if (!isSequence) return printPlan(e.plans[0] ?? { kind: 'const', value: false }).join('\n');
  const a = spec.aggregation?.type === 'sequence' ? spec.aggregation : undefined;
  return e.plans.flatMap((p, i) => [`step ${i + 1} ${JSON.stringify(a?.steps[i]?.name ?? '')} x${a?.steps[i]?.count ?? 1}:`, ...printPlan(p, '  ')]).join('\n');
}

export function compileRule(spec: RuleSpec, options: CompileOptions = {}): CompileResult {
  const problems = checkSpec(spec);
  const selections = lowerSelections(spec.detection.selections, problems, options);
  const lowered = conditions(spec).map((c) => lowerCondition(c.cond, selections));
  if (problems.length > 0) return { issues: problems.map((p) => toIssue(spec, p)) };

  const isSequence = spec.aggregation?.type === 'sequence';
  const plans = lowered.map(optimize);
  let emitted: Emitted;
  try {
    emitted = emit(spec, plans, isSequence);
  } catch (err) {
    // Only a Sift bug gets here (the generator emits sanitized tokens only); refuse the rule, never crash the load.
    const message = `internal error generating code: ${err instanceof Error ? err.message : String(err)}`;
    return { issues: [toIssue(spec, { path: 'detection', message })] };
  }
  const reference = isSequence ? interpret(optimize({ kind: 'or', args: plans })) : interpret(plans[0] ?? { kind: 'const', value: false });
  const rule: CompiledRule = {
    spec,
    match: emitted.match.predicate,
    reference,
    steps: emitted.steps.map((s) => s.predicate),
    referenceSteps: isSequence ? plans.map(interpret) : [],
    actions: extractActions(plans),
    groupBy: groupFields(spec).map(getter),
    output: spec.outputFields.map(getter),
    plan: explain(spec, emitted, isSequence),
    source: [emitted.match.source, ...emitted.steps.map((s) => s.source)].join('\n'),
  };
  return { rule, issues: [] };
}
