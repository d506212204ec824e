/**
 * Google Workspace audit fields as Sigma rules write them → Sift's
 * `google_workspace.<application>` fields.
 *
 * SigmaHQ's Workspace rules were written against the Cloud Logging export
 * (https://cloud.google.com/logging/docs/audit/gsuite-audit-logging):
 * `protoPayload.serviceName` is the application's API host, the event name
 * sits in `protoPayload.metadata.event.eventName`, and event parameters are
 * named bare (`setting_name`, `new_value`). Sift reads the same events from
 * the Admin SDK Reports API (src/ingest/normalize/vendors/google-workspace/,
 * docs/sources/google-workspace.md), so:
 * - the application is `google_workspace.id.application_name` (`admin`, not `admin.googleapis.com`);
 * - the event name is `event.action`;
 * - a bare parameter name lands where Sift's normalizer files that parameter
 *   (workspace-params.ts asks the normalizer itself, so Elastic's per-app
 *   renames such as SETTING_NAME → setting.name are never copied here).
 */
import { ValueRewrite, type FieldTable, type Mapping } from './types.js';

const APPLICATION: Mapping = { field: 'google_workspace.id.application_name', rewrite: ValueRewrite.googleapisApplication };

export const GOOGLE_WORKSPACE_FIELDS: FieldTable = {
  exact: {
    eventService: APPLICATION,
    'protoPayload.serviceName': APPLICATION,
    eventName: 'event.action',
    'protoPayload.metadata.event.eventName': 'event.action',
    eventType: 'google_workspace.event.type',
    'protoPayload.metadata.event.eventType': 'google_workspace.event.type',
    'protoPayload.authenticationInfo.principalEmail': 'google_workspace.actor.email',
    'actor.email': 'google_workspace.actor.email',
    'actor.profileId': 'google_workspace.actor.profile.id',
    'actor.callerType': 'google_workspace.actor.type',
    'protoPayload.requestMetadata.callerIp': 'google_workspace.ip_address',
    ipAddress: 'google_workspace.ip_address',
    ownerDomain: 'google_workspace.organization.domain',
    'id.customerId': 'google_workspace.id.customer.id',
    'id.applicationName': 'google_workspace.id.application_name',
  },
  prefixes: [],
};

/**
 * Reports API applications whose parameter names are upper case (Google's
 * per-application catalogs, https://developers.google.com/workspace/admin/reports/v1/appendix/activity/);
 * the others use lower case, as SigmaHQ writes them. Keyed by Sift dataset.
 */
export const UPPERCASE_PARAMETER_DATASETS: ReadonlySet<string> = new Set(['google_workspace.admin', 'google_workspace.device', 'google_workspace.chrome']);

/**
 * Sift dataset → Reports API applicationName where they differ
 * (src/ingest/normalize/vendors/google-workspace/resolve.ts APPLICATIONS).
 */
export const APPLICATION_OF_DATASET: Readonly<Record<string, string>> = {
  'google_workspace.device': 'mobile',
  'google_workspace.gemini': 'gemini_in_workspace_apps',
  'google_workspace.group_enterprise': 'groups_enterprise',
};

/** A bare Sigma name is an event parameter; dotted names that no row lists are not. */
export const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
