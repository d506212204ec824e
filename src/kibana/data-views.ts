/**
 * The data views Sift ships: every event (`logs-*`), one per source, the
 * pipeline-health index and the alerts. Generated from the ECS registry, so a new source gets its data view
 * without anyone editing this file.
 */
import { alertsIndexName } from '../alerts/index.js';
import { datasetsOf, indexAlias, knownDatasets, knownVendors } from '../ecs/index.js';
import { opsIndexName } from '../ingest/index.js';
import type { DataViewSpec } from './spec.js';

/** How a source is named in Kibana; a vendor missing here shows its id. */
const SOURCE_NAMES: Readonly<Record<string, string>> = {
  okta: 'Okta',
  google_workspace: 'Google Workspace',
  slack: 'Slack',
  zoom: 'Zoom',
  gitlab: 'GitLab',
  github: 'GitHub',
  aws_cloudtrail: 'AWS CloudTrail',
  gcp_audit: 'GCP audit',
};

export const ALL_EVENTS = 'logs';
export const ALERTS = 'alerts';
export const OPS = 'ops';

export function sourceName(vendor: string): string {
  return SOURCE_NAMES[vendor] ?? vendor;
}

/** `logs-<dataset>-*` for each dataset: the aliases of every namespace (src/ecs/template.ts). */
export function datasetPattern(datasets: readonly string[]): string {
  return datasets.map((d) => indexAlias(d, '*')).join(',');
}

/** `opsIndexPrefix`: elasticsearch.ops_index.prefix, whose default it defaults to. */
export function dataViews(alertsIndexPrefix: string, opsIndexPrefix = 'sift-ops'): DataViewSpec[] {
  return [
    { key: ALL_EVENTS, pattern: 'logs-*', name: 'Sift: all events', datasets: knownDatasets() },
    ...knownVendors().map((vendor) => {
      const datasets = datasetsOf(vendor);
      return { key: vendor, pattern: datasetPattern(datasets), name: `Sift: ${sourceName(vendor)}`, datasets };
    }),
    { key: OPS, pattern: opsIndexName(opsIndexPrefix, '*'), name: 'Sift: pipeline health', datasets: [], ops: true },
    { key: ALERTS, pattern: alertsIndexName(alertsIndexPrefix, '*'), name: 'Sift: alerts', datasets: [], alerts: true },
  ];
}
