/**
 * Every key the rule format accepts, in one place: the parser checks
 * documents against these lists (an unknown key is an error, so a typo never
 * silently disables part of a rule), and a unit test checks docs/rules.md
 * documents each of them, so the reference cannot drift from the parser.
 */
import { FIELD_OPERATORS, OPERATORS, TRANSFORMS, type Severity } from './types.js';

export const TOP_LEVEL_KEYS = [
  'id',
  'name',
  'description',
  'version',
  'enabled',
  'severity',
  'risk_score',
  'tags',
  'author',
  'references',
  'false_positives',
  'scope',
  'detection',
  'threshold',
  'cardinality',
  'sequence',
  'new_terms',
  'travel',
  'suppression',
  'output',
  'runbook',
  'equivalents',
  'noise',
  'base_event',
  'tests',
] as const;
export type TopLevelKey = (typeof TOP_LEVEL_KEYS)[number];

/** `noise.level`: how often benign activity is expected to trigger the rule. */
export const NOISE_LEVELS = ['low', 'medium', 'high'] as const;

/** At most one of these per rule. */
export const AGGREGATION_KEYS = ['threshold', 'cardinality', 'sequence', 'new_terms', 'travel'] as const;

/** Keys of the nested blocks, by the block's (generic) document path. */
export const BLOCK_KEYS = {
  scope: ['datasets'],
  threshold: ['count', 'group_by', 'window'],
  cardinality: ['field', 'count', 'group_by', 'window'],
  sequence: ['by', 'maxspan', 'steps'],
  'sequence.steps[]': ['name', 'condition', 'count'],
  new_terms: ['fields', 'group_by', 'history'],
  travel: ['group_by', 'location', 'max_speed_kmh', 'min_distance_km', 'window'],
  suppression: ['group_by', 'duration'],
  output: ['fields'],
  equivalents: ['panther', 'sigma', 'elastic', 'none'],
  noise: ['level', 'note'],
  'tests[]': ['name', 'source', 'events', 'expect'],
  base_event: ['raw', 'source', 'ecs'],
  'tests[].events[]': ['raw', 'source', 'ecs', 'overrides'],
  'tests[].expect': ['count', 'alerts'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** Modifiers after the operator: `all` (every value must hold), `cased`, and `i` (for `re`). */
export const FLAG_MODIFIERS = ['all', 'cased', 'i'] as const;

/** `field|any: {…}`: the map's tests hold for one element of the field's list of objects. */
export const ELEMENT_MODIFIER = 'any';

/** Every modifier a field key may carry (`equals` is the absence of an operator, not a modifier). */
export const MODIFIERS: readonly string[] = [...OPERATORS.filter((o) => o !== 'equals'), ...FLAG_MODIFIERS, ...TRANSFORMS, ...Object.keys(FIELD_OPERATORS), ELEMENT_MODIFIER];

/**
 * Default `risk_score` per severity when a rule leaves it out: Elastic
 * Security's defaults, so scores line up with alerts from Kibana rules.
 */
export const DEFAULT_RISK: Readonly<Record<Severity, number>> = { low: 21, medium: 47, high: 73, critical: 99 };

/** The `detection` key that is the condition rather than a selection. */
export const CONDITION_KEY = 'condition';

/** Words of the condition grammar; no selection may be named like one. */
export const CONDITION_WORDS = ['and', 'or', 'not', 'of', 'them', 'all', 'any'] as const;

export const RULE_ID = /^[a-z0-9][a-z0-9._-]{2,127}$/;
export const SELECTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** ATT&CK technique tags: attack.t1556 or attack.t1556.006 (lowercase, as Sigma writes them). */
export const TECHNIQUE_TAG = /^attack\.t\d{4}(\.\d{3})?$/;
export const TAG = /^[a-z0-9][a-z0-9._:-]{0,127}$/;
