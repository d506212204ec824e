/**
 * Slack Audit Logs → ECS (`slack.audit`).
 *
 * Vendor schema: https://api.slack.com/admins/audit-logs-call (Audit Logs API
 * v1, `GET https://api.slack.com/audit/v1/logs`, one element of `entries[]`).
 * Field names under `slack.audit.*` and the ECS mapping follow Elastic's Slack
 * integration (packages/slack, data stream `audit`), so Kibana content built
 * for it works on Sift's documents.
 */
import type { EcsEvent, JsonObject } from '../../../../ecs/index.js';
import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { bool, cleanJson, ip, isObj, obj, str, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { categorize } from './categories.js';
import { isoTimestamp } from '../../timestamp.js';
import { compact, isoFromMicros, isoFromMillis, keyword, numeric, strings } from './util.js';

export const DATASET = 'slack.audit';

/**
 * Where the entity's own object sits: under the key its `type` names
 * (`{"type":"file","file":{…}}`); older entries are read by the keys Slack
 * documents, in Elastic's order.
 */
const ENTITY_KEYS = ['workspace', 'enterprise', 'user', 'file', 'channel', 'app', 'workflow', 'usergroup', 'barrier', 'message', 'role', 'account_type_role'];

function entityObject(entity: Obj | undefined, type: string | undefined): Obj | undefined {
  if (!entity) return undefined;
  if (type !== undefined && Object.hasOwn(entity, type)) {
    const own = obj(entity, type);
    if (own) return own;
  }
  for (const key of ENTITY_KEYS) {
    const o = obj(entity, key);
    if (o) return o;
  }
  return undefined;
}

/** A keyword list, also from a single value. */
function keywordList(o: Obj | undefined, key: string): string[] | undefined {
  const single = keyword(o, key);
  return single !== undefined ? [single] : strings(o, key);
}

function entityFields(type: string | undefined, e: Obj | undefined): JsonObject | undefined {
  return compact({
    entity_type: type,
    id: keyword(e, 'id'),
    name: keyword(e, 'name'),
    email: keyword(e, 'email'),
    team: keyword(e, 'team'),
    domain: keyword(e, 'domain'),
    filetype: keyword(e, 'filetype'),
    title: keyword(e, 'title'),
    privacy: keyword(e, 'privacy'),
    is_shared: bool(e, 'is_shared'),
    is_org_shared: bool(e, 'is_org_shared'),
    teams_shared_with: keywordList(e, 'teams_shared_with'),
    is_distributed: bool(e, 'is_distributed'),
    is_directory_approved: bool(e, 'is_directory_approved'),
    is_workflow_app: bool(e, 'is_workflow_app'),
    scopes: keywordList(e, 'scopes'),
    primary_usergroup: keyword(e, 'primary_usergroup'),
    barriered_from_usergroup: keywordList(e, 'barriered_from_usergroup'),
    channel: keyword(e, 'channel'),
    timestamp: keyword(e, 'timestamp'),
    type: keyword(e, 'type'),
  });
}

/**
 * `@timestamp`: `details.action_timestamp` when Slack gives one (anomaly
 * events: when the action happened, in milliseconds, or microseconds above
 * 1e13), else `date_create` (epoch seconds; Panther-style exports write it as
 * "2021-06-08 22:16:15", read as UTC).
 */
function timestampOf(raw: Obj, details: Obj | undefined): string | Failure {
  const action = numeric(details, 'action_timestamp');
  if (action !== undefined) {
    const iso = action > 1e13 ? isoFromMicros(action) : isoFromMillis(action);
    if (iso !== undefined) return iso;
  }
  const v = raw['date_create'];
  if (v === undefined || v === null || v === '') return failure(ErrorCode.NormalizeNoTimestamp, 'Slack audit entry has no date_create', '$.date_create');
  const seconds = numeric(raw, 'date_create');
  const iso = seconds !== undefined ? isoFromMillis(seconds * 1000) : typeof v === 'string' ? isoTimestamp(v) : undefined;
  return iso ?? failure(ErrorCode.NormalizeBadTimestamp, 'Slack audit date_create is not epoch seconds or an ISO 8601 timestamp', '$.date_create');
}

export function normalizeSlackAudit(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'Slack audit entry is not a JSON object', '$');
  const details = obj(raw, 'details');
  const timestamp = timestampOf(raw, details);
  if (typeof timestamp !== 'string') return timestamp;

  const id = str(raw, 'id');
  const action = str(raw, 'action');
  const cat = categorize(action);
  const actor = obj(obj(raw, 'actor'), 'user');
  const actorId = keyword(actor, 'id');
  const actorEmail = str(actor, 'email');
  const entity = obj(raw, 'entity');
  const entityType = str(entity, 'type');
  const subject = entityObject(entity, entityType);
  const context = obj(raw, 'context');
  const location = obj(context, 'location');
  const address = str(context, 'ip_address');
  const sourceIp = ip(context, 'ip_address');
  const md5 = str(details, 'md5_hash');

  const relatedUser: string[] = [];
  if (actorId !== undefined) relatedUser.push(actorId);
  if (actorEmail !== undefined && actorEmail !== actorId) relatedUser.push(actorEmail);

  const event: EcsEvent = {
    '@timestamp': timestamp,
    event: {
      kind: 'event',
      dataset: DATASET,
      module: 'slack',
      id,
      action,
      category: cat.category.length > 0 ? [...cat.category] : undefined,
      type: [...cat.type],
      outcome: cat.outcome,
      original: opts.original,
    },
    user: compact({
      id: actorId,
      full_name: str(actor, 'name'),
      email: actorEmail,
      // The subject of user administration (role changes, deactivation, …).
      target:
        entityType === 'user'
          ? compact({ id: keyword(subject, 'id'), full_name: str(subject, 'name'), email: str(subject, 'email') })
          : undefined,
    }),
    source: compact({ address, ip: sourceIp }),
    user_agent: compact({ original: str(context, 'ua') }),
    file: entityType === 'file' && md5 !== undefined ? { hash: { md5 } } : undefined,
    related: compact({
      user: relatedUser.length > 0 ? relatedUser : undefined,
      ip: sourceIp === undefined ? undefined : [sourceIp],
      hash: md5 === undefined ? undefined : [md5],
    }),
    slack: compact({
      audit: compact({
        context: compact({
          id: keyword(location, 'id'),
          name: keyword(location, 'name'),
          domain: keyword(location, 'domain'),
          type: keyword(location, 'type'),
          session_id: keyword(context, 'session_id'),
        }),
        entity: entityFields(entityType, subject),
        details: compact({
          location: str(details, 'location'),
          previous_ip_address: ip(details, 'previous_ip_address'),
          previous_user_agent: str(details, 'previous_ua'),
          reason: keywordList(details, 'reason'),
          md5,
          flattened: cleanJson(details) as JsonObject | undefined,
        }),
      }),
    }),
  };
  return { ok: true, event, vendorId: id };
}
