/**
 * Sigma `logsource` → the Sift source and datasets a converted rule scopes.
 *
 * Sigma names cloud logs by product/service (SigmaHQ's taxonomy,
 * https://github.com/SigmaHQ/sigma-specification/blob/main/appendix/sigma-taxonomy-appendix.md);
 * Sift names them by vendor and ECS `event.dataset` (src/ecs/namespaces/).
 * Only sources Sift ingests map; everything else is reported, not guessed.
 */
import { knownDatasets } from '../../ecs/index.js';
import { ok, unsupported, UnsupportedKind, type Step } from './types.js';

/** Sift vendor ids (src/ecs/namespaces/*.ts `vendor`) that have a Sigma field table. */
export const SigmaSource = {
  okta: 'okta',
  awsCloudtrail: 'aws_cloudtrail',
  gcpAudit: 'gcp_audit',
  github: 'github',
  googleWorkspace: 'google_workspace',
} as const;
export type SigmaSource = (typeof SigmaSource)[keyof typeof SigmaSource];

export interface Logsource {
  readonly product?: string | undefined;
  readonly service?: string | undefined;
  readonly category?: string | undefined;
}

export interface Binding {
  readonly source: SigmaSource;
  readonly datasets: readonly string[];
}

/**
 * product/service pairs. `service: undefined` means "no service given", which
 * is only unambiguous for vendors with a single dataset.
 */
interface Row {
  readonly products: readonly string[];
  readonly services: readonly (string | undefined)[];
  readonly source: SigmaSource;
  readonly datasets: readonly string[];
}

const ROWS: readonly Row[] = [
  // Okta System Log: SigmaHQ rules/identity/okta use product okta, service okta.
  { products: ['okta'], services: ['okta', undefined], source: SigmaSource.okta, datasets: ['okta.system'] },
  // CloudTrail: rules/cloud/aws/cloudtrail.
  { products: ['aws'], services: ['cloudtrail'], source: SigmaSource.awsCloudtrail, datasets: ['aws.cloudtrail'] },
  // Cloud Audit Logs: rules/cloud/gcp/audit (the taxonomy's service gcp.audit).
  { products: ['gcp'], services: ['gcp.audit'], source: SigmaSource.gcpAudit, datasets: ['gcp.audit'] },
  // GitHub audit log (streaming or REST): rules/application/github/audit.
  { products: ['github'], services: ['audit', undefined], source: SigmaSource.github, datasets: ['github.audit'] },
];

/** Workspace: `service: google_workspace.<application>`, product gcp (SigmaHQ today) or google_workspace. */
const WORKSPACE_PRODUCTS: readonly string[] = ['gcp', 'google_workspace'];
const WORKSPACE_SERVICE = /^google_workspace\.([a-z_]+)$/;

const lower = (s: string | undefined): string | undefined => s?.trim().toLowerCase();

export function describeLogsource(ls: Logsource): string {
  const parts = (['product', 'service', 'category'] as const).flatMap((k) => (ls[k] === undefined ? [] : [`${k}=${String(ls[k])}`]));
  return parts.length > 0 ? parts.join(' ') : '(empty)';
}

export function bindLogsource(ls: Logsource): Step<Binding> {
  const product = lower(ls.product);
  const service = lower(ls.service);
  // Categories (process_creation, …) describe endpoint telemetry Sift does not ingest.
  if (ls.category === undefined) {
    const row = ROWS.find((r) => product !== undefined && r.products.includes(product) && r.services.includes(service));
    if (row) return ok({ source: row.source, datasets: row.datasets });
    const app = service === undefined ? undefined : WORKSPACE_SERVICE.exec(service)?.[1];
    if (product !== undefined && WORKSPACE_PRODUCTS.includes(product) && app !== undefined) {
      const dataset = `google_workspace.${app}`;
      if (knownDatasets().includes(dataset)) return ok({ source: SigmaSource.googleWorkspace, datasets: [dataset] });
    }
  }
  return unsupported(UnsupportedKind.logsource, `logsource ${describeLogsource(ls)} has no Sift source`);
}
