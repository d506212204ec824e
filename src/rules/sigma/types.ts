/**
 * Types of the Sigma importer: what a conversion returns, and the Sift rule
 * document it writes (the YAML shape of docs/rules.md, before serialization).
 */

/** Why a rule was not converted, as a small closed set (the report groups by it). */
export const UnsupportedKind = {
  notARule: 'not-a-rule',
  logsource: 'logsource',
  field: 'field',
  modifier: 'modifier',
  value: 'value',
  keywords: 'keywords',
  aggregation: 'aggregation',
  condition: 'condition',
  lint: 'lint',
  /** Converted, but not written: two inputs for one output, or a symbolic link under --out. */
  output: 'output',
} as const;
export type UnsupportedKind = (typeof UnsupportedKind)[keyof typeof UnsupportedKind];

/** A Sift value in a rule file (Sigma's scalar kinds). */
export type SiftValue = string | number | boolean | null;

/** `field|op|mods: value(s)`; AND of its entries. */
export type SiftSelectionMap = Readonly<Record<string, SiftValue | readonly SiftValue[]>>;

/** A map, or a list of maps (any one holds). */
export type SiftSelection = SiftSelectionMap | readonly SiftSelectionMap[];

/** Sift's `threshold` block, from Sigma's `| count() [by g] > n` and `timeframe`. */
export interface SiftThreshold {
  readonly count: number;
  readonly group_by?: readonly string[];
  readonly window: string;
}

/** Sift's `cardinality` block, from Sigma's `| count(field) [by g] > n` and `timeframe`. */
export interface SiftCardinality extends SiftThreshold {
  readonly field: string;
}

export type SiftAggregation = { readonly threshold: SiftThreshold } | { readonly cardinality: SiftCardinality };

/** The rule file as written (key order is the order of docs/rules.md). */
export interface SiftRuleDoc {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly version: number;
  readonly enabled?: boolean;
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly risk_score: number;
  readonly tags?: readonly string[];
  /** Kept from the Sigma rule: the Detection Rule License requires author and reference attribution. */
  readonly author?: string;
  readonly references?: readonly string[];
  readonly false_positives?: readonly string[];
  readonly scope: { readonly datasets: readonly string[] };
  /** Selections by name, plus `condition`. */
  readonly detection: Readonly<Record<string, SiftSelection | string>>;
  readonly threshold?: SiftThreshold;
  readonly cardinality?: SiftCardinality;
  readonly output?: { readonly fields: readonly string[] };
  readonly runbook?: string;
  readonly equivalents?: { readonly sigma: readonly string[] };
}

/** Where the rule came from and what it maps to, for reports. */
export interface ConvertedRule {
  readonly doc: SiftRuleDoc;
  /** Sift source label of the logsource (okta, aws_cloudtrail, …). */
  readonly product: string;
  readonly sigmaId: string | undefined;
  /** Output fields of Sigma's `fields:` that have no ECS home (dropped, named in the file header). */
  readonly droppedOutputFields: readonly string[];
}

export type ConvertResult =
  | { readonly ok: true; readonly yaml: string; readonly rule: ConvertedRule }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly kind: UnsupportedKind;
      /** Source label when the logsource was understood, else the Sigma product as written. */
      readonly product: string;
    };

/** A conversion step's result: a value, or why the rule cannot be converted. */
export type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly kind: UnsupportedKind; readonly reason: string };

export const ok = <T>(value: T): Step<T> => ({ ok: true, value });
export const unsupported = (kind: UnsupportedKind, reason: string): { readonly ok: false; readonly kind: UnsupportedKind; readonly reason: string } => ({
  ok: false,
  kind,
  reason,
});
