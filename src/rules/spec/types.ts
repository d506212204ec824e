/**
 * What a detection engineer writes: one YAML file, one rule. These types are
 * the parsed, validated form (after `parseRuleFile`); docs/rules.md documents
 * the same schema for authors and a test keeps the two in step.
 */
import type { JsonValue } from '../../ecs/index.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Field operators (Sigma modifiers, with Sigma's names where they exist). */
export const OPERATORS = [
  'equals',
  'contains',
  'startswith',
  'endswith',
  're',
  'cidr',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'in_lookup',
  'lookup',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Value transforms a field key may apply before its test (`user.email|domain`). */
export const TRANSFORMS = ['domain'] as const;
export type Transform = (typeof TRANSFORMS)[number];

/** Field-to-field operators (`a|neq_field: b`) and the comparison each names. */
export const FIELD_OPERATORS = { eq_field: 'eq', neq_field: 'neq', contains_field: 'contains', startswith_field: 'startswith', endswith_field: 'endswith' } as const;
export type FieldOperator = keyof typeof FIELD_OPERATORS;
export type FieldComparison = (typeof FIELD_OPERATORS)[FieldOperator];

/** The right side of a field-to-field test: another event field, optionally transformed. */
export interface FieldCompare {
  readonly cmp: FieldComparison;
  readonly field: string;
  readonly transform?: Transform;
}

/**
 * One field test inside a selection, e.g. `user.name|endswith|all: [a, b]`.
 * Several values are OR-ed unless `all` is set. Strings compare
 * case-insensitively unless `cased` (the `|cased` modifier).
 */
export interface FieldTest {
  readonly field: string;
  readonly op: Operator;
  readonly values: readonly (string | number | boolean | null)[];
  readonly all: boolean;
  readonly cased: boolean;
  /** `re|i`: the regex ignores case (only with `re`). */
  readonly caseInsensitive?: boolean;
  /** `in_lookup` / `lookup`: the table (and column test) of each value, in `values` order. */
  readonly lookups?: readonly LookupRef[];
  /** `|domain`: the test reads the part of the field's text after its last `@` (e-mail domain). */
  readonly transform?: Transform;
  /**
   * `field|neq_field: other.field` (and eq/contains/startswith/endswith): the
   * field compared with another field of the same event, not with literals
   * (`values` is then empty and `op` is `equals`).
   */
  readonly compare?: FieldCompare;
  /**
   * `field|any: {sub.field: value, …}`: every test of `element` holds for one
   * element of the field's list of objects, their fields read relative to
   * that element (`values` is then empty and `op` is `equals`).
   */
  readonly element?: readonly FieldTest[];
  /**
   * Dotted path of the key in the rule document
   * (`detection.selection.user.name|contains`), for located compile issues.
   */
  readonly path?: string;
}

/**
 * A lookup-table test: `in_lookup: tor_exit_nodes` (the value is a key of the
 * table), `lookup: vip_users.team` (the key's `team` column has a value), or
 * `lookup: {table: vip_users, column: team, equals: finance}`.
 */
export interface LookupRef {
  readonly table: string;
  readonly column?: string;
  /** The column equals one of these (`equals`) or contains one (`contains`). */
  readonly compare?: { readonly op: 'equals' | 'contains'; readonly values: readonly string[] };
  /** Document path of the value, for located errors (`….table`, `….column` when written as a map). */
  readonly path: string;
  readonly form: 'name' | 'map';
}

/**
 * A named selection: a map (all of its tests must hold) or a list of maps
 * (any one of them), as in Sigma.
 */
export interface Selection {
  readonly name: string;
  readonly anyOf: readonly (readonly FieldTest[])[];
  /**
   * A per-dataset selection (`sign_in: {okta.system: {…}, aws.cloudtrail: {…}}`):
   * dataset → its own any-of list, checked against that dataset's catalog
   * only; false on the datasets it does not name. `anyOf` is then empty.
   */
  readonly byDataset?: ReadonlyMap<string, readonly (readonly FieldTest[])[]>;
}

/** The boolean condition over selection names, parsed. */
export type Condition =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'and'; readonly args: readonly Condition[] }
  | { readonly kind: 'or'; readonly args: readonly Condition[] }
  | { readonly kind: 'not'; readonly arg: Condition }
  /** `1 of sel_*` / `all of them`: pattern is a glob over selection names, or `them`. */
  | { readonly kind: 'of'; readonly quantifier: 'any' | 'all'; readonly pattern: string };

export interface Detection {
  readonly selections: readonly Selection[];
  readonly condition: Condition;
  /** The condition as written, for explain output and alerts. */
  readonly conditionText: string;
}

/** count ≥ `count` events per group within `windowMs`. */
export interface ThresholdSpec {
  readonly type: 'threshold';
  readonly count: number;
  readonly groupBy: readonly string[];
  readonly windowMs: number;
}

/** Distinct values of `field` ≥ `count` per group within `windowMs`. */
export interface CardinalitySpec {
  readonly type: 'cardinality';
  readonly field: string;
  readonly count: number;
  readonly groupBy: readonly string[];
  readonly windowMs: number;
}

/**
 * Ordered steps joined by `by` within `maxspanMs` (first step's event to last
 * step's event). A step matches when its condition holds; `count` repeats it
 * (N failed logins in a row, in any number of events of other kinds between).
 */
export interface SequenceSpec {
  readonly type: 'sequence';
  readonly by: readonly string[];
  readonly maxspanMs: number;
  readonly steps: readonly SequenceStep[];
}
export interface SequenceStep {
  readonly name: string;
  readonly condition: Condition;
  readonly conditionText: string;
  readonly count: number;
}

/** A value tuple of `fields` never seen for the group within `historyMs`. */
export interface NewTermsSpec {
  readonly type: 'new_terms';
  readonly fields: readonly string[];
  readonly groupBy: readonly string[];
  readonly historyMs: number;
}

/**
 * Impossible travel: consecutive events of a group (in event time) whose geo
 * points lie at least `minDistanceKm` apart, reached faster than `maxSpeedKmh`.
 */
export interface TravelSpec {
  readonly type: 'travel';
  readonly groupBy: readonly string[];
  /** The geo_point field (default `source.geo.location`). */
  readonly location: string;
  readonly maxSpeedKmh: number;
  readonly minDistanceKm: number;
  /** Events further apart than this are not compared (default 24h). */
  readonly windowMs: number;
}

export type Aggregation = ThresholdSpec | CardinalitySpec | SequenceSpec | NewTermsSpec | TravelSpec;

export interface SuppressionSpec {
  readonly groupBy: readonly string[];
  readonly durationMs: number;
}

/** One event of a rule test: a raw vendor event (normalized first) or an ECS event. */
export type TestEvent =
  | { readonly kind: 'raw'; readonly source: string; readonly value: JsonValue }
  | { readonly kind: 'ecs'; readonly value: JsonValue };

export interface RuleTestCase {
  readonly name: string;
  readonly events: readonly TestEvent[];
  /** Exact number of alerts expected. */
  readonly count: number;
  /**
   * Each expected alert is a map of field → value that must appear in one
   * distinct produced alert's `fields` (group and output fields).
   */
  readonly alerts: readonly Readonly<Record<string, JsonValue>>[];
}

/**
 * Third-party detections whose intent the rule covers: it raises an alert on
 * the activity they describe (their positive examples) and stays quiet on
 * their negative ones, as far as Sift's data carries it (docs/rules.md,
 * "Equivalents").
 */
export interface Equivalents {
  /** Panther `RuleID`s (panther-analysis). */
  readonly panther?: readonly string[];
  /** SigmaHQ rule `id`s. */
  readonly sigma?: readonly string[];
  /** Elastic detection-rules `rule_id`s. */
  readonly elastic?: readonly string[];
  /** Instead of ids: why no public Panther, Sigma or Elastic rule covers this intent. */
  readonly none?: string;
}

/** Expected noise: how often benign activity triggers the rule, and which. */
export interface NoiseSpec {
  readonly level: 'low' | 'medium' | 'high';
  /** One sentence on the benign activity that can trigger it. */
  readonly note: string;
}

export interface RuleSpec {
  /** Stable id: lowercase letters, digits, `.`, `_`, `-`; alert ids derive from it. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly version: number;
  readonly severity: Severity;
  readonly riskScore: number;
  readonly tags: readonly string[];
  readonly datasets: readonly string[];
  readonly detection: Detection;
  readonly aggregation?: Aggregation;
  readonly suppression?: SuppressionSpec;
  /** ECS fields copied into the alert (beside the group fields). */
  readonly outputFields: readonly string[];
  readonly runbook?: string;
  readonly enabled: boolean;
  readonly tests: readonly RuleTestCase[];
  /** Where it came from, for located errors. */
  readonly file: string;
  /** Optional authoring metadata, carried into explain output (and kept by the Sigma importer). */
  readonly author?: string;
  readonly references?: readonly string[];
  readonly falsePositives?: readonly string[];
  readonly equivalents?: Equivalents;
  readonly noise?: NoiseSpec;
  /**
   * Document path → position of its node, so that issues found after parsing
   * (unknown fields, bad regexes) still point at a line. Absent for specs built in code.
   */
  readonly locations?: ReadonlyMap<string, SourcePos>;
}

/** 1-based line and column in a rule file. */
export interface SourcePos {
  readonly line: number;
  readonly col: number;
}

/** A located problem in a rule file: `file:line:col rule-id path: message`. */
export interface RuleIssue {
  readonly file: string;
  readonly ruleId?: string;
  /** Dotted path inside the rule document, e.g. `detection.selection.user.name|contains`. */
  readonly path: string;
  readonly line?: number;
  readonly col?: number;
  readonly message: string;
}
