/**
 * A compiled rule: everything the runtime needs, decided once at load.
 * Predicates never throw on odd events (missing fields, wrong types, arrays):
 * they answer false. A predicate that throws anyway is a Sift bug, and the
 * runtime quarantines the rule rather than stop the pipeline.
 */
import type { EcsEvent } from '../../ecs/index.js';
import type { RuleIssue, RuleSpec } from '../spec/types.js';
import type { LookupSet } from './lookup.js';

export type Predicate = (event: EcsEvent) => boolean;

/** Reads a dotted ECS field from an event; `undefined` when absent. */
export type FieldGetter = (event: EcsEvent) => unknown;

export interface CompiledRule {
  readonly spec: RuleSpec;
  /** Generated JS for `detection.condition` (every rule kind but sequence). */
  readonly match: Predicate;
  /** The reference interpreter for the same condition (differential tests, `--interpret`). */
  readonly reference: Predicate;
  /** Sequence rules: one generated predicate per step, in order. Empty otherwise. */
  readonly steps: readonly Predicate[];
  readonly referenceSteps: readonly Predicate[];
  /**
   * `event.action` values (lowercased) the condition pins: an event whose
   * action is not among them cannot match. `undefined` when the condition
   * does not pin the action (the rule is then tried on every event of its
   * datasets). For sequences, the union over steps.
   */
  readonly actions: readonly string[] | undefined;
  /** Getters for the aggregation's group fields, in `groupBy` order. */
  readonly groupBy: readonly FieldGetter[];
  /** Getters for the alert's output fields (`output.fields`), in order. */
  readonly output: readonly FieldGetter[];
  /**
   * Rules with a per-dataset selection: the predicates specialized for each
   * dataset of the scope (compile/dataset.ts), which the runtime uses for that
   * dataset's events. `match`/`steps` above stay correct for any event.
   */
  readonly byDataset?: ReadonlyMap<string, DatasetPredicates>;
  /** Human-readable IR after optimization (`sift rules explain`). */
  readonly plan: string;
  /** The generated JS source (`sift rules explain`, snapshot tests). */
  readonly source: string;
}

/** One dataset's predicates of a rule with per-dataset selections. */
export interface DatasetPredicates {
  readonly match: Predicate;
  readonly steps: readonly Predicate[];
  readonly reference: Predicate;
  readonly referenceSteps: readonly Predicate[];
}

/** Settings that change what a rule compiles to (from the `rules` config section). */
export interface CompileOptions {
  /**
   * UTF-8 bytes of a field's text that a regex test reads (`re`, and
   * wildcard patterns that become regexes): rules.regex_max_input_bytes.
   * Default 64 KiB (src/rules/regex/index.ts).
   */
  readonly regexMaxInputBytes?: number;
  /** The lookup tables `in_lookup` / `lookup` tests may name (compile/lookup-load.ts). None: every lookup is an unknown table. */
  readonly lookups?: LookupSet;
}

/** A loaded rules directory: what compiled, and what did not, with located errors. */
export interface Ruleset {
  readonly rules: readonly CompiledRule[];
  readonly issues: readonly RuleIssue[];
}
