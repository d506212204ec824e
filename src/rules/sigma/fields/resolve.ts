/**
 * Sigma field name → the Sift field that holds the same vendor value, for one
 * source: the product's table first (exact names, then prefixes), then the
 * vendor's own namespace (rules written with Elastic's names), then the
 * vendor rules that tables cannot list (GitHub's catch-all, Workspace
 * parameters). Anything else is reported, never guessed.
 */
import { fieldType } from '../../compile/index.js';
import { SigmaSource } from '../logsource.js';
import { ok, unsupported, UnsupportedKind, type Step } from '../types.js';
import { AWS_CLOUDTRAIL_FIELDS } from './aws-cloudtrail.js';
import { GCP_AUDIT_FIELDS } from './gcp-audit.js';
import { GITHUB_FIELDS, githubOther } from './github.js';
import { GOOGLE_WORKSPACE_FIELDS, PARAMETER_NAME } from './google-workspace.js';
import { OKTA_FIELDS } from './okta.js';
import { RestCase, type FieldTable, type FieldTarget, type Mapping, type PrefixRule } from './types.js';
import { workspaceParameter } from './workspace-params.js';

const TABLES: Readonly<Record<SigmaSource, FieldTable>> = {
  okta: OKTA_FIELDS,
  aws_cloudtrail: AWS_CLOUDTRAIL_FIELDS,
  gcp_audit: GCP_AUDIT_FIELDS,
  github: GITHUB_FIELDS,
  google_workspace: GOOGLE_WORKSPACE_FIELDS,
};

/** The vendor namespace of each source (src/ecs/namespaces/*.ts). */
const NAMESPACES: Readonly<Record<SigmaSource, string>> = {
  okta: 'okta.',
  aws_cloudtrail: 'aws.cloudtrail.',
  gcp_audit: 'gcp.audit.',
  github: 'github.',
  google_workspace: 'google_workspace.',
};

interface CompiledTable {
  readonly exact: ReadonlyMap<string, Mapping>;
  readonly prefixes: readonly PrefixRule[];
}

function compileTable(t: FieldTable): CompiledTable {
  return {
    exact: new Map(Object.entries(t.exact).map(([k, v]) => [k.toLowerCase(), v])),
    prefixes: [...t.prefixes].sort((a, b) => b.sigma.length - a.sigma.length),
  };
}

/** Known in every dataset of the rule, as Sift's compiler checks fields (flattened sub-paths included). */
const knownInAll = (datasets: readonly string[], field: string): boolean => datasets.every((d) => fieldType(field, d) !== undefined);

const COMPILED = new Map<SigmaSource, CompiledTable>(Object.values(SigmaSource).map((s) => [s, compileTable(TABLES[s])]));

const snake = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function viaPrefix(table: CompiledTable, name: string): Mapping | undefined {
  const lowerName = name.toLowerCase();
  for (const p of table.prefixes) {
    if (!lowerName.startsWith(p.sigma.toLowerCase()) || name.length === p.sigma.length) continue;
    if (typeof p.to !== 'string') return p.to;
    const rest = name.slice(p.sigma.length);
    return `${p.to}${p.rest === RestCase.snake ? rest.split('.').map(snake).join('.') : rest}`;
  }
  return undefined;
}

function lookup(source: SigmaSource, datasets: readonly string[], name: string): Mapping | undefined {
  const table = COMPILED.get(source);
  const hit = table?.exact.get(name.toLowerCase()) ?? (table ? viaPrefix(table, name) : undefined);
  if (hit !== undefined) return hit;
  if (name.startsWith(NAMESPACES[source]) && knownInAll(datasets, name)) return name;
  if (source === SigmaSource.github) return githubOther(name, (f) => knownInAll(datasets, f));
  const [dataset] = datasets;
  if (source === SigmaSource.googleWorkspace && dataset !== undefined && datasets.length === 1 && PARAMETER_NAME.test(name)) {
    return workspaceParameter(dataset, name);
  }
  return undefined;
}

export interface ResolvedField extends FieldTarget {
  /** Catalog type of `field` in the rule's first dataset (`flattened` below a flattened field). */
  readonly type: string;
}

export function resolveField(source: SigmaSource, datasets: readonly string[], name: string): Step<ResolvedField> {
  const hit = lookup(source, datasets, name);
  if (hit === undefined) return unsupported(UnsupportedKind.field, `field ${name} has no ECS mapping`);
  if (typeof hit !== 'string' && 'none' in hit) return unsupported(UnsupportedKind.field, `field ${name} has no ECS mapping (${hit.none})`);
  const target: FieldTarget = typeof hit === 'string' ? { field: hit } : hit;
  for (const f of [target.field, target.cidrField]) {
    // Tables are checked against the catalog by tests; this guards the catch-alls.
    if (f !== undefined && !knownInAll(datasets, f)) {
      return unsupported(UnsupportedKind.field, `field ${name} maps to ${f}, which is not in the ECS catalog of ${datasets.join(', ')}`);
    }
  }
  const [first] = datasets;
  const type = first === undefined ? 'keyword' : (fieldType(target.field, first) ?? 'keyword');
  return ok({ ...target, type });
}

/** Every table row, for tests and docs (`sigma` name → mapping). */
export function tableOf(source: SigmaSource): FieldTable {
  return TABLES[source];
}
