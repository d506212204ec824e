/**
 * The shape of a per-product field table: Sigma's raw vendor field names →
 * the ECS / vendor fields Sift's normalizer fills. Tables are data; the
 * lookup (resolve.ts) is shared.
 */

/** Value rewrites a mapping may need, named so tables stay plain data. */
export const ValueRewrite = {
  /**
   * Cloud Logging names a Workspace application by its API host
   * (`admin.googleapis.com`); the Reports API, which Sift reads, by its
   * application name (`admin`).
   */
  googleapisApplication: 'googleapis-application',
} as const;
export type ValueRewrite = (typeof ValueRewrite)[keyof typeof ValueRewrite];

export interface FieldTarget {
  readonly field: string;
  /** For `cidr` tests: the `ip`-typed copy (the mapped field may also hold host names). */
  readonly cidrField?: string;
  readonly rewrite?: ValueRewrite;
  /**
   * Set when Sift stores a parsed object where the vendor sends text: only
   * `exists` keeps its meaning, and this says why the rest does not.
   */
  readonly existsOnly?: string;
}

/** No ECS home: why (e.g. "Sift does not keep legacyEventType"). */
export interface NoTarget {
  readonly none: string;
}

export type Mapping = string | FieldTarget | NoTarget;

/** How the rest of a path below a prefix is spelled in Sift. */
export const RestCase = {
  /** As written: vendor keys inside flattened objects keep their own names. */
  asIs: 'as-is',
  /** camelCase → snake_case, where the normalizer renames keys that way. */
  snake: 'snake',
} as const;
export type RestCase = (typeof RestCase)[keyof typeof RestCase];

export interface PrefixRule {
  /** Sigma path prefix, ending with a dot. */
  readonly sigma: string;
  readonly to: string | NoTarget;
  readonly rest?: RestCase;
}

export interface FieldTable {
  /** Whole Sigma paths; looked up case-insensitively (SigmaHQ spells `protoPayload.Servicename` too). */
  readonly exact: Readonly<Record<string, Mapping>>;
  /** Tried longest first after `exact`; the prefix matches case-insensitively, the rest keeps its case. */
  readonly prefixes: readonly PrefixRule[];
}
