/**
 * Google Cloud Audit Logs → ECS (`gcp.audit`).
 *
 * Vendor schema: a Cloud Logging LogEntry
 * (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry, Logging
 * API v2) whose `protoPayload` is a google.cloud.audit.AuditLog
 * (https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog).
 * Field names and value semantics follow Elastic's GCP integration
 * (packages/gcp, data_stream audit) so Kibana content built for it works on
 * Sift's documents.
 */
import type { EcsEvent, JsonObject } from '../../../../ecs/index.js';
import { ErrorCode, failure } from '../../../../shared/index.js';
import { arr, int, ip, isObj, obj, str, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { actorKind, relatedEntities, targetKind } from './entities.js';
import { orchestratorOf } from './k8s.js';
import { compact, listOrUndefined, pruned, prunedObject } from './prune.js';
import { isoTimestamp } from '../../timestamp.js';

export const DATASET = 'gcp.audit';
export const AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';

const AUTHZ_RENAME: ReadonlyMap<string, string> = new Map([['resourceAttributes', 'resource_attributes']]);
const POLICY_RENAME: ReadonlyMap<string, string> = new Map([['policy', 'policy_value']]);
const STATUS_RENAME: ReadonlyMap<string, string> = new Map([['status', 'status_value']]);

/**
 * Like Elastic: the status code decides; without one, a single authorization
 * check decides; otherwise the outcome is unknown (long-running operations
 * log their first entry before the work is done).
 */
function outcomeOf(statusCode: number | undefined, authz: readonly unknown[] | undefined): 'success' | 'failure' | 'unknown' {
  if (statusCode !== undefined) return statusCode === 0 ? 'success' : 'failure';
  const granted = authz?.length === 1 && isObj(authz[0]) ? authz[0]['granted'] : undefined;
  if (granted === true) return 'success';
  if (granted === false) return 'failure';
  return 'unknown';
}

/**
 * ECS categorization as Elastic's pipeline does it: a long-running operation
 * (an entry that is not both first and last) is a session start/end; a call
 * with exactly one authorization check is a network/configuration access,
 * allowed or denied.
 */
function categorize(operation: Obj | undefined, authz: readonly unknown[] | undefined): { category: string[]; type: string[] } {
  const category: string[] = [];
  const type: string[] = [];
  if (operation) {
    const first = operation['first'] === true;
    const last = operation['last'] === true;
    if (!(first && last)) {
      category.push('session');
      if (first) type.push('start');
      else if (last) type.push('end');
    }
  }
  if (authz?.length === 1) {
    category.push('network', 'configuration');
    const granted = isObj(authz[0]) ? authz[0]['granted'] : undefined;
    if (granted === true) type.push('access', 'allowed');
    else if (granted === false) type.push('access', 'denied');
  }
  return { category, type };
}

/** `cloudaudit.googleapis.com%2Factivity` → `activity`: which audit log (activity, data_access, system_event, policy). */
function logTypeOf(logName: string | undefined): string | undefined {
  const at = logName?.indexOf('%2F') ?? -1;
  if (logName === undefined || at < 0) return undefined;
  const rest = logName.slice(at + 3);
  return rest === '' ? undefined : rest;
}

function authorizationInfoOf(list: readonly unknown[] | undefined): JsonObject[] | undefined {
  if (!list) return undefined;
  const out: JsonObject[] = [];
  for (const item of list) {
    const c = isObj(item) ? prunedObject(item, AUTHZ_RENAME) : undefined;
    if (c) out.push(c);
  }
  return out.length > 0 ? out : undefined;
}

/** request/response as flattened; a scalar `policy`/`status` moves aside so the key keeps one type. */
function flattenedWith(v: unknown, key: string, rename: ReadonlyMap<string, string>): JsonObject | undefined {
  if (!isObj(v)) return undefined;
  const member = v[key];
  return prunedObject(v, member !== undefined && member !== null && !isObj(member) ? rename : undefined);
}

function stringsOf(list: readonly unknown[] | undefined): string[] | undefined {
  const out = (list ?? []).filter((x): x is string => typeof x === 'string' && x !== '');
  return out.length > 0 ? out : undefined;
}

export function normalizeGcpAudit(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'a GCP LogEntry must be a JSON object', '$');
  const payload = obj(raw, 'protoPayload');
  if (!payload) {
    const other = ['jsonPayload', 'textPayload'].find((k) => raw[k] !== undefined && raw[k] !== null);
    const why = other === undefined ? 'record is not a LogEntry with an AuditLog protoPayload' : `LogEntry carries a ${other}, not an AuditLog protoPayload`;
    return failure(ErrorCode.NormalizeWrongType, why, '$.protoPayload');
  }
  const payloadType = payload['@type'];
  // Like Elastic: an absent @type is taken as an AuditLog (some exporters strip it).
  if (payloadType !== undefined && payloadType !== null && payloadType !== AUDIT_LOG_TYPE) {
    return failure(ErrorCode.NormalizeWrongType, `protoPayload is ${JSON.stringify(payloadType).slice(0, 120)}, not an AuditLog`, '$.protoPayload.@type');
  }
  const rawTimestamp = raw['timestamp'];
  if (rawTimestamp === undefined || rawTimestamp === null || rawTimestamp === '') {
    return failure(ErrorCode.NormalizeNoTimestamp, 'LogEntry has no "timestamp"', '$.timestamp');
  }
  const timestamp = typeof rawTimestamp === 'string' ? isoTimestamp(rawTimestamp) : undefined;
  if (typeof rawTimestamp !== 'string' || timestamp === undefined) {
    return failure(ErrorCode.NormalizeBadTimestamp, 'LogEntry "timestamp" is not an RFC 3339 timestamp', '$.timestamp');
  }

  const insertId = str(raw, 'insertId');
  const logName = str(raw, 'logName');
  const resource = obj(raw, 'resource');
  const labels = obj(resource, 'labels');
  const resourceType = str(resource, 'type');
  const operation = obj(raw, 'operation');
  const operationId = str(operation, 'id');
  const receiveTimestamp = str(raw, 'receiveTimestamp');

  const authn = obj(payload, 'authenticationInfo');
  const email = str(authn, 'principalEmail');
  const subject = str(authn, 'principalSubject');
  const authz = arr(payload, 'authorizationInfo');
  const requestMetadata = obj(payload, 'requestMetadata');
  // `callerIP` is how some re-exporters (Panther) spell Google's `callerIp`.
  const callerIp = ip(requestMetadata, 'callerIp') ?? ip(requestMetadata, 'callerIP');
  const userAgent = str(requestMetadata, 'callerSuppliedUserAgent');
  const methodName = str(payload, 'methodName');
  const serviceName = str(payload, 'serviceName');
  const resourceName = str(payload, 'resourceName');
  const status = obj(payload, 'status');
  const statusCode = int(status, 'code');
  const { category, type } = categorize(operation, authz);

  // The caller and the resource acted on, typed the way Elastic's entity fields are.
  const actorIds = listOrUndefined([subject, email].filter((x): x is string => x !== undefined));
  const actor = actorIds === undefined ? undefined : actorKind(email, subject);
  const targetIds = resourceName === undefined ? undefined : [resourceName];
  const target = resourceName === undefined ? undefined : targetKind(resourceName, resourceType);
  const idsIf = (kind: boolean, ids: string[] | undefined): JsonObject | undefined => (kind && ids ? { id: ids } : undefined);

  const event: EcsEvent = {
    '@timestamp': timestamp,
    event: {
      kind: 'event',
      dataset: DATASET,
      module: 'gcp',
      id: insertId,
      action: methodName,
      provider: logTypeOf(logName),
      outcome: outcomeOf(statusCode, authz),
      category: listOrUndefined(category),
      type: listOrUndefined(type),
      original: opts.original,
    },
    log: compact({ logger: logName, level: str(raw, 'severity') }),
    cloud: {
      provider: 'gcp',
      project: compact({ id: str(labels, 'project_id') }),
      instance: compact({ id: str(labels, 'instance_id') }),
      availability_zone: str(labels, 'location') ?? str(labels, 'zone'),
    },
    orchestrator: orchestratorOf(resource, labels, resourceName),
    source: compact({ ip: callerIp }),
    user_agent: compact({ original: userAgent }),
    client: compact({ user: compact({ email, id: subject }) }),
    user: compact({
      email,
      id: subject,
      entity: idsIf(actor === 'user', actorIds),
      target: compact({ entity: idsIf(target === 'user', targetIds) }),
    }),
    service: compact({
      name: serviceName,
      entity: idsIf(actor === 'service', actorIds),
      target: compact({ entity: idsIf(target === 'service', targetIds) }),
    }),
    host: compact({ target: compact({ entity: idsIf(target === 'host', targetIds) }) }),
    entity: compact({
      id: actor === 'entity' ? actorIds : undefined,
      target: idsIf(target === 'entity', targetIds),
    }),
    actor: compact({ entity: idsIf(true, actorIds) }),
    target: compact({ entity: idsIf(true, targetIds) }),
    related: compact({
      user: email === undefined ? undefined : [email],
      ip: callerIp === undefined ? undefined : [callerIp],
      entity: listOrUndefined(relatedEntities(payload, actorIds ?? [], resourceName)),
    }),
    gcp: {
      audit: compact({
        type: str(payload, '@type'),
        authentication_info: compact({
          principal_email: email,
          principal_subject: subject,
          authority_selector: str(authn, 'authoritySelector'),
          service_account_key_name: str(authn, 'serviceAccountKeyName'),
          service_account_delegation_info: pruned(arr(authn, 'serviceAccountDelegationInfo')),
          third_party_principal: pruned(obj(authn, 'thirdPartyPrincipal')),
        }),
        authorization_info: authorizationInfoOf(authz),
        labels: pruned(obj(raw, 'labels')),
        logentry_operation: compact({
          // Like Elastic: only when it says more than event.id.
          id: operationId !== undefined && insertId !== undefined && operationId !== insertId ? operationId : undefined,
          producer: str(operation, 'producer'),
          first: typeof operation?.['first'] === 'boolean' ? operation['first'] : undefined,
          last: typeof operation?.['last'] === 'boolean' ? operation['last'] : undefined,
        }),
        metadata: pruned(obj(payload, 'metadata')),
        method_name: methodName,
        num_response_items: int(payload, 'numResponseItems'),
        receive_timestamp: receiveTimestamp === undefined ? undefined : isoTimestamp(receiveTimestamp),
        request: flattenedWith(payload['request'], 'policy', POLICY_RENAME),
        request_metadata: compact({ caller_ip: callerIp, caller_supplied_user_agent: userAgent }),
        resource: compact({ type: resourceType, labels: pruned(labels) }),
        resource_location: compact({ current_locations: stringsOf(arr(obj(payload, 'resourceLocation'), 'currentLocations')) }),
        resource_name: resourceName,
        response: flattenedWith(payload['response'], 'status', STATUS_RENAME),
        service_data: pruned(obj(payload, 'serviceData')),
        service_name: serviceName,
        status: compact({ code: statusCode, message: str(status, 'message') }),
      }),
    },
  };
  return { ok: true, event, vendorId: vendorIdOf(insertId, logName, rawTimestamp) };
}

/**
 * Google documents insertId as unique only among entries of one project with
 * the same timestamp (Logging de-duplicates on project + timestamp +
 * insertId), and short ids such as "-abcdef" repeat across projects. So the
 * id is the triple; logName carries the project (and the log). The timestamp
 * is the text as sent, to keep its nanoseconds.
 */
function vendorIdOf(insertId: string | undefined, logName: string | undefined, timestamp: string): string | undefined {
  return insertId === undefined ? undefined : `${logName ?? ''}\n${timestamp}\n${insertId}`;
}
