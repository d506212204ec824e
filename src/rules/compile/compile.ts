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
import { specialize } from './dataset.js';
import type { CompiledRule, CompileOptions, DatasetPredicates } from './types.js';

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
  return [...problems, ...datasetProblems(spec), ...checkFields(spec)];
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

/** `variant`: one dataset's specialization (its number names the functions, its name is in their titles). */
function emit(spec: RuleSpec, plans: readonly Node[], isSequence: boolean, variant?: { n: number; dataset: string }): Emitted {
  const title = variant === undefined ? `Sift rule ${spec.id}` : `Sift rule ${spec.id} for ${variant.dataset}`;
  const suffix = variant === undefined ? '' : `_d${variant.n}`;
  if (!isSequence) {
    const root = plans[0] ?? { kind: 'const', value: false };
    return { plans, match: generate(root, `${title}: detection.condition`, `match${suffix}_build`), steps: [] };
  }
  // A sequence has no single condition: `match` says whether an event can take part in any step.
  const any = optimize({ kind: 'or', args: plans });
  const steps = plans.map((p, i) => generate(p, `${title}: sequence step ${i + 1}`, `step${i + 1}${suffix}_build`));
  return { plans, match: generate(any, `${title}: any sequence step`, `match${suffix}_build`), steps };
}

interface Specialized {
  readonly predicates: ReadonlyMap<string, DatasetPredicates>;
  readonly emitted: readonly (readonly [string, Emitted])[];
}

/** Rules with a per-dataset selection: one specialized plan and predicate set per dataset (dataset.ts). */
function specializeAll(spec: RuleSpec, lowered: readonly Node[], isSequence: boolean): Specialized | undefined {
  if (!spec.detection.selections.some((s) => s.byDataset !== undefined)) return undefined;
  const predicates = new Map<string, DatasetPredicates>();
  const emitted: (readonly [string, Emitted])[] = [];
  spec.datasets.forEach((dataset, n) => {
    const plans = lowered.map((p) => optimize(specialize(p, dataset)));
    const e = emit(spec, plans, isSequence, { n: n + 1, dataset });
    emitted.push([dataset, e]);
    predicates.set(dataset, {
      match: e.match.predicate,
      steps: e.steps.map((x) => x.predicate),
      reference: interpret(isSequence ? optimize({ kind: 'or', args: plans }) : (plans[0] ?? { kind: 'const', value: false })),
      referenceSteps: isSequence ? plans.map(interpret) : [],
    });
  });
  return { predicates, emitted };
}

/** The datasets a per-dataset selection names must be in the rule's scope. */
function datasetProblems(spec: RuleSpec): Problem[] {
  const out: Problem[] = [];
  for (const s of spec.detection.selections) {
    for (const d of s.byDataset?.keys() ?? []) {
      if (!spec.datasets.includes(d)) out.push({ path: `detection.${s.name}.${d}`, message: `dataset "${d}" is not in scope.datasets (${spec.datasets.join(', ')})` });
    }
  }
  return out;
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
  let specialized: Specialized | undefined;
  try {
    emitted = emit(spec, plans, isSequence);
    specialized = specializeAll(spec, lowered, isSequence);
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
    actions: extractActions(specialized === undefined ? plans : specialized.emitted.flatMap(([, e]) => e.plans)),
    groupBy: groupFields(spec).map(getter),
    output: spec.outputFields.map(getter),
    ...(specialized === undefined ? {} : { byDataset: specialized.predicates }),
    plan: specialized === undefined ? explain(spec, emitted, isSequence) : specialized.emitted.map(([d, e]) => [`dataset ${JSON.stringify(d)}:`, ...explain(spec, e, isSequence).split('\n').map((l) => `  ${l}`)].join('\n')).join('\n'),
    source: [emitted, ...(specialized?.emitted.map(([, e]) => e) ?? [])].flatMap((e) => [e.match.source, ...e.steps.map((s) => s.source)]).join('\n'),
  };
  return { rule, issues: [] };
}
