/**
 * Google Workspace Alert Center alert → ECS (`google_workspace.alert`).
 *
 * Vendor schema: https://developers.google.com/workspace/admin/alertcenter/reference/rest/v1beta1/alerts
 * (Alert Center API v1beta1, `Alert`; `data` is one of the types listed at
 * .../alertcenter/reference/alert-types). Names follow Elastic's
 * google_workspace `alert` data stream: `data` keys are snake_cased, with
 * the few restructurings its pipeline applies.
 */
import type { EcsEvent, JsonValue } from '../../../../ecs/index.js';
import { ErrorCode, failure } from '../../../../shared/index.js';
import { bool, ip, isObj, obj, pushUnique, str, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { MODULE } from './activity.js';
import { isoTimestamp } from '../../timestamp.js';
import { compact, dateOf, nonEmpty, setPath, snake, stringsOf, type Tree } from './util.js';

/** Camel-case paths inside `data` (arrays as `[]`) → Elastic's names, where plain snake_case is not what it uses. */
const DATA_RENAMES: Readonly<Record<string, string>> = {
  '@type': 'type',
  takeoutRequestId: 'takeout.request.id',
  sourceIp: 'source.ip',
  'messages[].md5HashSubject': 'md5.hash.subject',
  'messages[].md5HashMessageBody': 'md5.hash.message_body',
  'messages[].messageId': 'id',
  'messages[].recipient': 'recipient_email',
  affectedUserEmails: 'affected.user_emails',
  'attachmentData.csv': 'attachment.data.csv',
  'events[].deviceId': 'device.id',
  'events[].serialNumber': 'serial.number',
  'events[].deviceType': 'device.type',
  'events[].deviceModel': 'device.model',
  'events[].resourceId': 'resource.id',
  'events[].iosVendorId': 'ios_vendor.id',
  'events[].deviceProperty': 'device.property',
  requestInfo: 'request.info',
  'requestInfo[].appKey': 'app.key',
  'requestInfo[].appDeveloperEmail': 'app.developer_email',
  displayName: 'display.name',
  triggerSource: 'trigger.source',
  actionNames: 'action.name',
  ruleViolationInfo: 'rule.violation_info',
  'ruleViolationInfo.ruleInfo.displayName': 'display.name',
  'ruleViolationInfo.ruleInfo.resourceName': 'resource.name',
  'ruleViolationInfo.dataSource': 'data.source',
  'ruleViolationInfo.trigger': 'trigger.value',
  'ruleViolationInfo.triggeringUserEmail': 'trigger.user.email',
  'ruleViolationInfo.resourceInfo.resourceTitle': 'resource.title',
  'ruleViolationInfo.resourceInfo.documentId': 'document.id',
  'ruleViolationInfo.matchInfo[].userDefinedDetector.resourceName': 'resource.name',
  'ruleViolationInfo.matchInfo[].userDefinedDetector.displayName': 'display.name',
  'ruleViolationInfo.matchInfo[].predefinedDetector.detectorName': 'name',
  'ruleViolationInfo.triggeredActionTypes': 'triggered.action.types',
  'ruleViolationInfo.triggeredActionInfo': 'triggered.action.info',
  'ruleViolationInfo.suppressedActionTypes': 'suppressed.action.types',
  dashboardUri: 'dashboard.uri',
  incidentTrackingId: 'incident_tracking.id',
  'mergeInfo.newIncidentTrackingId': 'new_incident_tracking.id',
  'mergeInfo.newAlertId': 'new_alert.id',
  actorEmail: 'actor.email',
  primaryAdminChangedEvent: 'primary.admin.changed_event',
  ssoProfileCreatedEvent: 'sso_profile.created_event',
  ssoProfileUpdatedEvent: 'sso_profile.updated_event',
  ssoProfileDeletedEvent: 'sso_profile.deleted_event',
  'ssoProfileCreatedEvent.inboundSsoProfileName': 'inbound_sso.profile_name',
  'ssoProfileUpdatedEvent.inboundSsoProfileName': 'inbound_sso.profile_name',
  'ssoProfileUpdatedEvent.inboundSsoProfileChanges': 'inbound_sso.profile_changes',
  'ssoProfileDeletedEvent.inboundSsoProfileName': 'inbound_sso.profile_name',
  'superAdminPasswordResetEvent.userEmail': 'user.email',
};

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 12;

/** Timestamps Google writes with microseconds: Elastic stores them as dates. */
const isTimeKey = (key: string): boolean => /(Time|^date)$/.test(key);

function convert(value: unknown, path: string, depth: number): JsonValue | undefined {
  if (value === null || value === undefined || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const c = convert(item, `${path}[]`, depth + 1);
      if (c !== undefined) out.push(c);
    }
    return out.length > 0 ? out : undefined;
  }
  if (isObj(value)) {
    const out: Tree = {};
    for (const key of Object.keys(value)) {
      if (FORBIDDEN.has(key)) continue;
      const childPath = path === '' ? key : `${path}.${key}`;
      const renamed = Object.hasOwn(DATA_RENAMES, childPath) ? DATA_RENAMES[childPath] : undefined;
      let child = convert(value[key], childPath, depth + 1);
      if (typeof child === 'string' && isTimeKey(key)) child = dateOf(child) ?? child;
      setPath(out, renamed ?? snake(key), child);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return typeof value === 'string' && value === '' ? undefined : (value as JsonValue);
}

export function isAlert(raw: Obj): boolean {
  return typeof raw['alertId'] === 'string' && (raw['createTime'] !== undefined || raw['type'] !== undefined || raw['data'] !== undefined);
}

export function normalizeAlert(raw: Obj, opts: NormalizeOptions): NormalizeResult {
  const created = raw['createTime'];
  if (created === undefined || created === null || created === '') {
    return failure(ErrorCode.NormalizeNoTimestamp, 'Alert Center alert has no createTime', '$.createTime');
  }
  const timestamp = typeof created === 'string' ? isoTimestamp(created.trim()) : undefined;
  if (timestamp === undefined) return failure(ErrorCode.NormalizeBadTimestamp, 'Alert Center createTime is not an RFC 3339 timestamp', '$.createTime');

  const alertId = str(raw, 'alertId');
  const source = str(raw, 'source');
  const metadata = obj(raw, 'metadata');
  const rawData = obj(raw, 'data');
  const data = convert(rawData, '', 0);
  const dataTree = isObj(data) ? data : undefined;
  const start = dateOf(raw['startTime']);
  const end = dateOf(raw['endTime']);

  const emails: string[] = [];
  pushUnique(emails, str(metadata, 'assignee'), str(rawData, 'email'), str(obj(obj(rawData, 'maliciousEntity'), 'entity'), 'emailAddress'));
  pushUnique(emails, ...stringsOf(rawData?.['affectedUserEmails']));
  const userName = str(obj(obj(rawData, 'maliciousEntity'), 'entity'), 'displayName');
  const sourceIp = ip(rawData, 'sourceIp');
  const loginIp = ip(obj(rawData, 'loginDetails'), 'ipAddress');
  const actorEmail = str(rawData, 'actorEmail');
  const ruleName = str(obj(obj(rawData, 'ruleViolationInfo'), 'ruleInfo'), 'displayName') ?? (source === 'Security Center rules' ? str(rawData, 'name') : undefined);

  const relatedUser: string[] = [];
  pushUnique(relatedUser, userName, actorEmail);
  const relatedIp: string[] = [];
  pushUnique(relatedIp, loginIp, sourceIp);
  const relatedHash: string[] = [];
  const recipients: string[] = [];
  const messages = rawData?.['messages'];
  for (const m of Array.isArray(messages) ? messages : []) {
    if (!isObj(m)) continue;
    pushUnique(relatedHash, str(m, 'md5HashSubject'), ...stringsOf(m['attachmentsSha256Hash']), str(m, 'md5HashMessageBody'));
    pushUnique(recipients, str(m, 'recipient'));
  }

  const event: EcsEvent = {
    '@timestamp': timestamp,
    event: {
      kind: 'alert',
      dataset: `${MODULE}.alert`,
      module: MODULE,
      category: source === 'Gmail phishing' ? ['email', 'threat', 'malware'] : ['threat', 'malware'],
      type: ['info'],
      action: source,
      id: alertId,
      start,
      end,
      original: opts.original,
    },
    organization: compact({ id: str(raw, 'customerId') }),
    user: compact({
      email: emails[0],
      name: userName,
      domain: str(obj(rawData, 'domainId'), 'customerPrimaryDomain') ?? str(rawData, 'domain'),
    }),
    source: compact({ ip: sourceIp, user: actorEmail === undefined ? undefined : { email: actorEmail } }),
    rule: compact({ name: ruleName, description: source === 'Security Center rules' ? str(rawData, 'description') : undefined }),
    email: recipients.length > 0 ? { to: { address: recipients } } : undefined,
    related: compact({ user: nonEmpty(relatedUser), ip: nonEmpty(relatedIp), hash: nonEmpty(relatedHash) }),
    google_workspace: {
      alert: compact({
        id: alertId,
        create_time: timestamp,
        start_time: start,
        end_time: end,
        update_time: dateOf(raw['updateTime']),
        source,
        type: str(raw, 'type'),
        deleted: bool(raw, 'deleted'),
        etag: str(raw, 'etag'),
        security_investigation_tool_link: str(raw, 'securityInvestigationToolLink'),
        customer: compact({ id: str(raw, 'customerId') }),
        metadata: compact({
          alert: compact({ id: str(metadata, 'alertId') }),
          customer: compact({ id: str(metadata, 'customerId') }),
          assignee: str(metadata, 'assignee'),
          etag: str(metadata, 'etag'),
          severity: str(metadata, 'severity'),
          status: str(metadata, 'status'),
          update_time: dateOf(metadata?.['updateTime']),
        }),
        data: dataTree as JsonValue | undefined,
      }),
    },
  };
  const version = str(raw, 'updateTime') ?? str(raw, 'createTime');
  return { ok: true, event, vendorId: alertId === undefined ? undefined : `${alertId}:${version ?? ''}` };
}
