/**
 * GitLab audit event → ECS (`gitlab.audit`).
 *
 * Two vendor shapes, one mapping:
 * - the audit event schema of streaming destinations and of the Audit Events
 *   API (https://docs.gitlab.com/user/compliance/audit_event_schema/,
 *   https://docs.gitlab.com/api/audit_events/, GitLab 15.3+): `id`,
 *   `author_id`, `entity_*`, `target_*`, `ip_address`, `event_type`,
 *   `created_at` and a free-form `details` object;
 * - the self-managed `audit_json.log` line
 *   (https://docs.gitlab.com/administration/logs/#audit_jsonlog): the same
 *   keys flat, with `severity`, `time`, `correlation_id` and dotted
 *   `meta.*` request keys.
 * Field names under `gitlab.audit.*` follow Elastic's GitLab integration
 * (packages/gitlab, data stream audit).
 */
import type { EcsEvent, JsonObject, JsonValue } from '../../../../ecs/index.js';
import { ErrorCode, failure } from '../../../../shared/index.js';
import { cleanJson, ip, isObj, pushUnique, type Obj } from '../../accessors.js';
import { isoTimestamp } from '../../timestamp.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { compact, longValue, metaValue, scalarText } from './read.js';

export const DATASET = 'gitlab.audit';

/** Keyword keys read at the top level, else from `details` (where the API and streams put most of them). */
const KEYWORD_KEYS = [
  'add',
  'as',
  'author_class',
  'change',
  'custom_message',
  'entity_path',
  'entity_type',
  'event_name',
  'event_type',
  'from',
  'remove',
  'target_details',
  'target_type',
  'to',
  'with',
] as const;
const META_KEYWORD_KEYS = ['caller_id', 'client_id', 'feature_category', 'project', 'root_namespace', 'user'] as const;
const META_MAPPED = ['meta.remote_ip', 'meta.user_id', ...META_KEYWORD_KEYS.map((k) => `meta.${k}`)];

/** Keys with a named field; a structured value under one of them still goes to the catch-all. */
const MAPPED = new Set<string>([
  ...KEYWORD_KEYS,
  ...META_MAPPED,
  'author_email',
  'author_id',
  'author_name',
  'correlation_id',
  'created_at',
  'entity_id',
  'id',
  'ip_address',
  'severity',
  'target_id',
  'time',
]);
/** Objects read as a whole (a non-object under these names goes to the catch-all). */
const CONTAINERS = new Set(['details', 'detail', 'meta']);
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** GitLab's log severities as Elastic numbers them. */
const SEVERITY: Readonly<Record<string, number>> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, FATAL: 4, UNKNOWN: 5 };

function unmapped(raw: Obj): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key of Object.keys(raw)) {
    const v = raw[key];
    if (FORBIDDEN.has(key) || (CONTAINERS.has(key) && isObj(v))) continue;
    if (MAPPED.has(key) && (v === null || typeof v !== 'object')) continue;
    const c = cleanJson(v) as JsonValue | undefined;
    if (c === undefined) continue;
    out ??= {};
    out[key] = c;
  }
  return out;
}

/**
 * `created_at` is when GitLab recorded the audit event; the log line's `time`
 * (when it was written) is the documented fallback, as in Elastic's pipeline.
 */
const TIME_KEYS = ['created_at', 'time'] as const;

function timeOf(raw: Obj): { iso: string; key: string } | { code: ErrorCode; key: string } {
  let bad: string | undefined;
  for (const key of TIME_KEYS) {
    const v = raw[key];
    if (v === undefined || v === null || v === '') continue;
    const iso = typeof v === 'string' ? isoTimestamp(v) : undefined;
    if (iso !== undefined) return { iso, key };
    bad ??= key;
  }
  return bad === undefined ? { code: ErrorCode.NormalizeNoTimestamp, key: 'created_at' } : { code: ErrorCode.NormalizeBadTimestamp, key: bad };
}

export function normalizeGitlabAudit(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'a GitLab audit event must be a JSON object', '$');
  const time = timeOf(raw);
  if ('code' in time) {
    const message =
      time.code === ErrorCode.NormalizeNoTimestamp ? 'GitLab audit event has neither "created_at" nor "time"' : `GitLab "${time.key}" is not an ISO 8601 time`;
    return failure(time.code, message, `$.${time.key}`);
  }

  // Panther's GitLab.Audit schema names the details object `detail`.
  const detailsValue = isObj(raw['details']) ? raw['details'] : raw['detail'];
  const details = isObj(detailsValue) ? detailsValue : undefined;
  const pick = (key: string): unknown => {
    const v = raw[key];
    return v === undefined || v === null || v === '' ? details?.[key] : v;
  };

  const audit: JsonObject = {};
  for (const key of KEYWORD_KEYS) audit[key] = scalarText(pick(key));
  const meta: JsonObject = {};
  for (const key of META_KEYWORD_KEYS) meta[key] = scalarText(metaValue(raw, key));
  meta['user_id'] = longValue(metaValue(raw, 'user_id'));

  const eventId = scalarText(raw['id']);
  const correlationId = scalarText(raw['correlation_id']);
  const authorId = scalarText(raw['author_id']);
  const authorName = scalarText(pick('author_name'));
  const entityId = longValue(raw['entity_id']);
  const targetId = scalarText(pick('target_id'));
  const targetType = audit['target_type'] as string | undefined;
  const targetDetails = audit['target_details'] as string | undefined;
  // timeOf() tries created_at first: when it parses, it is the event time.
  const createdAt = time.key === 'created_at' ? time.iso : undefined;
  // Elastic reads the request's meta.remote_ip; streams and the API send ip_address.
  const remoteIp = ip({ v: metaValue(raw, 'remote_ip') }, 'v') ?? ip(raw, 'ip_address') ?? ip(details, 'ip_address');
  const severityText = scalarText(raw['severity'])?.toUpperCase();
  const targetIsUser = targetType === 'User';

  const relatedUser: string[] = [];
  pushUnique(relatedUser, authorId, authorName);
  if (targetIsUser) pushUnique(relatedUser, targetId, targetDetails);

  const address = compact({ ip: remoteIp, address: remoteIp });
  const customMessage = audit['custom_message'] as string | undefined;

  const event: EcsEvent = {
    '@timestamp': time.iso,
    event: {
      kind: 'event',
      dataset: DATASET,
      module: 'gitlab',
      id: eventId ?? correlationId,
      action: (audit['event_type'] ?? audit['event_name']) as string | undefined,
      category: ['web'],
      type: ['info'],
      severity: severityText !== undefined && Object.hasOwn(SEVERITY, severityText) ? SEVERITY[severityText] : undefined,
      original: opts.original,
    },
    message: customMessage,
    user: compact({
      id: authorId,
      name: authorName,
      email: scalarText(pick('author_email')),
      target: targetIsUser ? compact({ id: targetId, name: targetDetails }) : undefined,
    }),
    client: address,
    source: address,
    related: compact({
      user: relatedUser.length > 0 ? relatedUser : undefined,
      ip: remoteIp === undefined ? undefined : [remoteIp],
    }),
    gitlab: compact({
      audit: compact({
        ...audit,
        id: eventId,
        correlation_id: correlationId,
        created_at: createdAt,
        entity_id: entityId,
        target_id: targetId,
        meta: compact(meta),
        details: cleanJson(details) as JsonObject | undefined,
        flattened: unmapped(raw),
      }),
    }),
  };
  // The vendor id is the event `id` (streams and the API: unique, GitLab's
  // documented deduplication key). A log line has none, and its
  // `correlation_id` names a request, which may record several audit events
  // that can differ in any field (severity, author, details): the id of a
  // line is the line itself, as JSON text. A re-shipped file dedupes; two
  // different lines never share one.
  return { ok: true, event, vendorId: eventId ?? `line:${JSON.stringify(raw)}` };
}
