/**
 * The dashboards Sift ships and their panels. Every field named here is
 * checked against the catalog of the dashboard's data view (fields.ts) when
 * the export is built; docs/kibana.md lists the same dashboards for readers.
 */
import { ALERTS, ALL_EVENTS, OPS, sourceName } from './data-views.js';
import type { DashboardSpec, PanelSpec, Where } from './spec.js';

const SIGN_IN: Where = { field: 'event.action', values: ['user.session.start'] };
const FAILED: Where = { field: 'event.outcome', values: ['failure'] };

/** The same two panels open every source dashboard: volume over time, then the actions. */
function sourceBasics(split: string, splitName: string): PanelSpec[] {
  return [
    { key: 'timeline', title: `Events over time by ${splitName}`, kind: 'timeline', by: [split] },
    { key: 'actions', title: 'Top actions', kind: 'bars', by: ['event.action'] },
  ];
}

const OVERVIEW: DashboardSpec = {
  key: 'overview',
  title: 'Sift: overview',
  description:
    'Every source Sift ingests: volume per dataset, outcomes, freshness, what Sift tagged, and from the pipeline-health index dead letters per reason and ingest lag (best effort; the Kafka dead-letter topic is the record of truth, docs/kibana.md).',
  dataView: ALL_EVENTS,
  panels: [
    { key: 'per-dataset', title: 'Events per dataset over time', kind: 'timeline', by: ['event.dataset'] },
    { key: 'datasets', title: 'Events per dataset and outcome', kind: 'table', by: ['event.dataset', 'event.outcome'], size: 20 },
    { key: 'freshness', title: 'Newest event per dataset (ingest lag: now minus this)', kind: 'table', by: ['event.dataset'], metric: { op: 'max', field: '@timestamp', label: 'Newest @timestamp' }, size: 50 },
    { key: 'tags', title: 'Events Sift tagged (e.g. timestamp_from_receipt), per tag', kind: 'bars', by: ['tags'] },
    { key: 'users', title: 'Distinct users', kind: 'metric', by: [], metric: { op: 'unique_count', field: 'related.user', label: 'Distinct users' } },
    {
      key: 'dead-letters',
      title: 'Dead letters per reason over time',
      kind: 'timeline',
      dataView: OPS,
      by: ['error.code'],
      metric: { op: 'sum', field: 'sift.ops.count', label: 'Dead letters' },
      where: [{ field: 'sift.ops.kind', values: ['dead_letter'] }],
    },
    {
      key: 'ingest-lag',
      title: 'Ingest lag per dataset (ms)',
      kind: 'timeline',
      dataView: OPS,
      by: ['event.dataset'],
      metric: { op: 'max', field: 'sift.ops.lag_ms', label: 'Ingest lag (ms)' },
      where: [{ field: 'sift.ops.kind', values: ['batch'] }],
    },
  ],
};

const ALERTS_DASHBOARD: DashboardSpec = {
  key: 'alerts',
  title: 'Sift: alerts',
  description: 'Alerts by rule, severity and entity. The event ids of each alert link to the events in Discover (docs/kibana.md).',
  dataView: ALERTS,
  alertsSearch: true,
  timeFrom: 'now-7d',
  panels: [
    { key: 'timeline', title: 'Alerts over time by severity', kind: 'timeline', by: ['sift.alert.severity'] },
    { key: 'rules', title: 'Alerts by rule and severity', kind: 'table', by: ['rule.name', 'sift.alert.severity'], size: 20 },
    { key: 'users', title: 'Alerts by user', kind: 'bars', by: ['user.name'] },
    { key: 'ips', title: 'Alerts by source IP', kind: 'bars', by: ['source.ip'] },
    { key: 'events', title: 'Alerts and their events (each event id links to Discover)', kind: 'table', by: ['rule.name', 'sift.alert.id', 'sift.alert.event_ids'], size: 20 },
  ],
};

/** A source's dashboard: titled after the source, on the source's own data view. */
function source(vendor: string, description: string, panels: readonly PanelSpec[]): DashboardSpec {
  return { key: vendor, title: `Sift: ${sourceName(vendor)}`, description, dataView: vendor, panels };
}

const byActor = (user: string, then: string): PanelSpec => ({ key: 'actors', title: 'Events by actor', kind: 'table', by: [user, then] });
const BY_SOURCE_IP: PanelSpec = { key: 'ips', title: 'Events by source IP', kind: 'bars', by: ['source.ip'] };

const SOURCES: readonly DashboardSpec[] = [
  source('okta', 'Okta System Log: sign-ins (user.session.start) by outcome, country and autonomous system, and the actions.', [
    { key: 'sign-ins', title: 'Sign-ins over time by outcome', kind: 'timeline', by: ['event.outcome'], where: [SIGN_IN] },
    { key: 'countries', title: 'Sign-ins by country and outcome', kind: 'table', by: ['client.geo.country_name', 'event.outcome'], where: [SIGN_IN] },
    { key: 'asn', title: 'Sign-ins by autonomous system', kind: 'table', by: ['client.as.organization.name', 'client.as.number'], where: [SIGN_IN] },
    { key: 'failed-users', title: 'Failed sign-ins by user', kind: 'bars', by: ['user.name'], where: [SIGN_IN, FAILED] },
    { key: 'results', title: 'Okta outcome results', kind: 'bars', by: ['okta.outcome.result'] },
    { key: 'actions', title: 'Top actions', kind: 'bars', by: ['event.action'] },
  ]),
  source('aws_cloudtrail', 'CloudTrail calls by service, error code, principal and region.', [
    { key: 'services', title: 'Calls over time by service', kind: 'timeline', by: ['event.provider'] },
    { key: 'errors', title: 'Failed calls by error code', kind: 'bars', by: ['aws.cloudtrail.error_code'] },
    { key: 'principals', title: 'Calls by principal', kind: 'table', by: ['aws.cloudtrail.user_identity.arn', 'event.outcome'] },
    { key: 'actions', title: 'Calls by service and action', kind: 'table', by: ['event.provider', 'event.action'], size: 20 },
    { key: 'regions', title: 'Calls by region', kind: 'bars', by: ['cloud.region'] },
  ]),
  source('github', 'GitHub audit log by action, actor, organization and country.', [
    ...sourceBasics('event.action', 'action'),
    byActor('user.name', 'event.action'),
    { key: 'orgs', title: 'Events by organization', kind: 'bars', by: ['organization.name'] },
    { key: 'countries', title: 'Events by country', kind: 'bars', by: ['source.geo.country_iso_code'] },
  ]),
  source('gitlab', 'GitLab audit events by action, actor and what they acted on.', [
    ...sourceBasics('event.action', 'action'),
    { key: 'actors', title: 'Events by actor', kind: 'bars', by: ['user.name'] },
    { key: 'targets', title: 'Events by entity and target type', kind: 'table', by: ['gitlab.audit.entity_type', 'gitlab.audit.target_type'] },
  ]),
  source('google_workspace', 'Google Workspace activity by application (dataset), action and actor.', [
    ...sourceBasics('event.dataset', 'application'),
    byActor('user.email', 'event.dataset'),
    BY_SOURCE_IP,
  ]),
  source('slack', 'Slack audit logs by action, actor and source address.', [...sourceBasics('event.action', 'action'), byActor('user.email', 'event.action'), BY_SOURCE_IP]),
  source('zoom', 'Zoom operation logs, sign-in activity and webhooks by dataset, action and user.', [
    ...sourceBasics('event.dataset', 'dataset'),
    { key: 'users', title: 'Events by user', kind: 'bars', by: ['user.email'] },
    { key: 'categories', title: 'Admin operations by category', kind: 'bars', by: ['zoom.operation.category_type'] },
  ]),
  source('gcp_audit', 'GCP Cloud Audit Logs by service, method, principal and outcome.', [
    { key: 'services', title: 'Calls over time by service', kind: 'timeline', by: ['gcp.audit.service_name'] },
    { key: 'methods', title: 'Calls by service and method', kind: 'table', by: ['gcp.audit.service_name', 'event.action'], size: 20 },
    { key: 'principals', title: 'Calls by principal and outcome', kind: 'table', by: ['client.user.email', 'event.outcome'] },
  ]),
];

export const DASHBOARDS: readonly DashboardSpec[] = [OVERVIEW, ALERTS_DASHBOARD, ...SOURCES];
