/**
 * GitHub audit log entry → ECS (`github.audit`).
 *
 * Vendor schema: the audit log entries of the REST API
 * (https://docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/audit-log,
 * https://docs.github.com/en/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization,
 * API version 2022-11-28) and of audit log streaming
 * (https://docs.github.com/en/enterprise-cloud@latest/admin/monitoring-activity-in-your-enterprise/reviewing-audit-logs-for-your-enterprise/streaming-the-audit-log-for-your-enterprise),
 * which share one flat JSON shape. Field names under `github.*` follow
 * Elastic's GitHub integration (packages/github, data stream audit).
 */
import type { EcsEvent, JsonObject, JsonValue } from '../../../../ecs/index.js';
import { ErrorCode, failure } from '../../../../shared/index.js';
import { bool, cleanJson, int, ip, isObj, obj, pushUnique, str, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { categorize } from './categories.js';
import {
  BOOLEAN_KEYS,
  DATA_ID_KEYS,
  DATA_KEYWORD_KEYS,
  ID_KEYS,
  KEYWORD_KEYS,
  LIST_KEYS,
  LONG_KEYS,
  OTHER_DATA_KEYS,
  OTHER_TOP_KEYS,
} from './fields.js';
import { compact, eventTime, idText, scalarText, textList } from './read.js';

export const DATASET = 'github.audit';

/**
 * Where the event time is read, in order. GitHub documents `@timestamp` as
 * the time the event happened (epoch ms) and `created_at` as the same time
 * (epoch ms in the API and streams, ISO text in some exports); Elastic reads
 * `@timestamp` first too. `at_sign_timestamp` is how Panther's data lake
 * exports name GitHub's `@timestamp`.
 */
const TIME_KEYS = ['@timestamp', 'at_sign_timestamp', 'created_at'] as const;

type Time = { ok: true; iso: string } | { ok: false; key: string | undefined };

function timeOf(raw: Obj): Time {
  let firstPresent: string | undefined;
  for (const key of TIME_KEYS) {
    const v = raw[key];
    if (v === undefined || v === null || v === '') continue;
    firstPresent ??= key;
    const iso = eventTime(v);
    if (iso !== undefined) return { ok: true, iso };
  }
  return { ok: false, key: firstPresent };
}

const SKIPPED_TOP = new Set<string>([...KEYWORD_KEYS, ...ID_KEYS, ...BOOLEAN_KEYS, ...LONG_KEYS, ...LIST_KEYS, ...OTHER_TOP_KEYS, 'data', 'at_sign_timestamp']);
const SKIPPED_DATA = new Set<string>([...DATA_KEYWORD_KEYS, ...DATA_ID_KEYS, ...OTHER_DATA_KEYS]);
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The keys of an entry that no named field holds (per-action details such as
 * `ruleset_*`, `config`, `conclusion`), for the flattened catch-all. Panther's
 * own `p_*` metadata is not GitHub's and is left out.
 */
function unmapped(o: Obj | undefined, skipped: ReadonlySet<string>): JsonObject | undefined {
  if (!o) return undefined;
  let out: JsonObject | undefined;
  for (const key of Object.keys(o)) {
    if (skipped.has(key) || FORBIDDEN.has(key) || key.startsWith('p_')) continue;
    const v = cleanJson(o[key]) as JsonValue | undefined;
    if (v === undefined) continue;
    out ??= {};
    out[key] = v;
  }
  return out;
}

/** How a top-level key with a named `github.<key>` field is read. */
type Reader = (o: Obj, key: string) => JsonValue | undefined;
const keywordReader: Reader = (o, key) => scalarText(o[key]);
const READERS = new Map<string, Reader>([
  ...KEYWORD_KEYS.map((k): [string, Reader] => [k, keywordReader]),
  ...ID_KEYS.map((k): [string, Reader] => [k, idText]),
  ...BOOLEAN_KEYS.map((k): [string, Reader] => [k, bool]),
  ...LONG_KEYS.map((k): [string, Reader] => [k, int]),
  ...LIST_KEYS.map((k): [string, Reader] => [k, textList]),
]);

function githubFields(raw: Obj, data: Obj | undefined, location: Obj | undefined, actorIp: string | undefined, githubCategory: string | undefined): JsonObject {
  // One pass over the keys the entry has (a few dozen at most), not over
  // every key Sift knows: named fields are read, the rest is the catch-all.
  const gh: JsonObject = {};
  let rest: JsonObject | undefined;
  for (const key of Object.keys(raw)) {
    const read = READERS.get(key);
    if (read !== undefined) {
      const v = read(raw, key);
      if (v !== undefined) gh[key] = v;
      continue;
    }
    if (SKIPPED_TOP.has(key) || FORBIDDEN.has(key) || key.startsWith('p_')) continue;
    const v = cleanJson(raw[key]) as JsonValue | undefined;
    if (v === undefined) continue;
    rest ??= {};
    rest[key] = v;
  }
  gh['category'] = githubCategory;
  gh['actor_ip'] = actorIp;
  gh['team'] = str(raw, 'team') ?? str(data, 'team');
  gh['hook_id'] = idText(raw, 'hook_id') ?? idText(data, 'hook_id');
  gh['events'] = textList(raw, 'events') ?? textList(data, 'events');
  const eventsObject = raw['events_object'];
  gh['events_object'] = isObj(eventsObject) ? (cleanJson(eventsObject) as JsonObject | undefined) : undefined;
  gh['actor_location'] = compact({ country_name: str(location, 'country_name'), ip: ip(location, 'ip') });
  const changes = obj(raw, 'changes');
  gh['changes'] = compact({ billing_plan: scalarText(changes?.['billing_plan']), roles: textList(changes, 'roles') });
  const dataFields: JsonObject = {};
  for (const key of DATA_KEYWORD_KEYS) dataFields[key] = scalarText(data?.[key]);
  for (const key of DATA_ID_KEYS) dataFields[key] = idText(data, key);
  dataFields['started_at'] = data === undefined ? undefined : eventTime(data['started_at']);
  gh['data'] = compact(dataFields);
  const dataRest = unmapped(data, SKIPPED_DATA);
  gh['flattened'] = dataRest === undefined ? rest : { ...rest, data: dataRest };
  return gh;
}

function outcomeOf(status: number | undefined): 'success' | 'failure' | undefined {
  if (status === undefined || status < 100 || status > 599) return undefined;
  return status < 400 ? 'success' : 'failure';
}

export function normalizeGithubAudit(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'a GitHub audit log entry must be a JSON object', '$');
  const time = timeOf(raw);
  if (!time.ok) {
    if (time.key !== undefined) {
      return failure(ErrorCode.NormalizeBadTimestamp, `GitHub "${time.key}" is neither epoch milliseconds nor an ISO 8601 time`, `$['${time.key}']`);
    }
    if (isObj(raw['sender'])) {
      return failure(ErrorCode.NormalizeWrongType, 'a GitHub webhook payload, not an audit log entry (no "@timestamp" or "created_at")', '$');
    }
    return failure(ErrorCode.NormalizeNoTimestamp, 'GitHub audit log entry has neither "@timestamp" nor "created_at"', '$.created_at');
  }

  const documentId = str(raw, '_document_id');
  const action = str(raw, 'action');
  const actor = str(raw, 'actor');
  const actorId = idText(raw, 'actor_id');
  const target = str(raw, 'user');
  const org = str(raw, 'org');
  const data = obj(raw, 'data');
  const location = obj(raw, 'actor_location');
  const actorIp = ip(raw, 'actor_ip');
  const operationType = str(raw, 'operation_type');
  const cat = categorize(action, operationType);
  const gh = githubFields(raw, data, location, actorIp, cat.githubCategory);
  const team = gh['team'] as string | undefined;

  // Elastic's group rules: a team.* action is about the team, an org.* action
  // about the organization; the target user's group is that one. Otherwise
  // the legacy `data.old_user` (previous owner on transfers) fills it.
  let group: string | undefined;
  if (action?.startsWith('team.')) group = team;
  else if (action?.startsWith('org.')) group = org;
  const targetGroup = target !== undefined && group !== undefined ? group : str(data, 'old_user');

  const geo = compact({
    country_iso_code: str(location, 'country_code'),
    country_name: str(location, 'country_name'),
  });
  const relatedUser: string[] = [];
  pushUnique(relatedUser, actor, actorId, target);

  const event: EcsEvent = {
    '@timestamp': time.iso,
    event: {
      kind: 'event',
      dataset: DATASET,
      module: 'github',
      id: documentId,
      action,
      category: cat.category,
      type: cat.type,
      outcome: outcomeOf(int(raw, 'status_code')),
      original: opts.original,
    },
    user: compact({
      id: actorId,
      name: actor,
      target: compact({
        // user_id is the subject's id only when the entry names a subject.
        id: target === undefined ? undefined : idText(raw, 'user_id'),
        name: target,
        group: compact({ name: targetGroup }),
      }),
    }),
    group: compact({ name: group }),
    organization: compact({ id: idText(raw, 'org_id'), name: org }),
    source: compact({ ip: actorIp, geo }),
    client: compact({ ip: actorIp, geo }),
    user_agent: compact({ original: str(raw, 'user_agent') }),
    related: compact({
      user: relatedUser.length > 0 ? relatedUser : undefined,
      ip: actorIp === undefined ? undefined : [actorIp],
    }),
    github: compact(gh),
  };
  return { ok: true, event, vendorId: documentId };
}
