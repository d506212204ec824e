/**
 * Google Workspace Admin SDK Reports API activity → ECS
 * (`google_workspace.<application>`), one document per event of an activity.
 *
 * Vendor schema: https://developers.google.com/workspace/admin/reports/reference/rest/v1/activities
 * (Reports API v1, `admin#reports#activity`). Field names under
 * `google_workspace.*` follow Elastic's google_workspace integration so that
 * Kibana content built for it works on Sift's documents.
 */
import type { EcsEvent, JsonObject, JsonValue } from '../../../../ecs/index.js';
import { ErrorCode, failure } from '../../../../shared/index.js';
import { ip, isObj, obj, pushUnique, str, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { mapParameters } from './apps.js';
import { categorize } from './categories.js';
import { emptyExtras } from './extras.js';
import { foldParameters } from './params.js';
import { RELATED_ID_AND_EMAIL, resolveDataset } from './resolve.js';
import { isoTimestamp } from '../../timestamp.js';
import { compact, hasMembers, idString, nonEmpty, splitEmail } from './util.js';

export const MODULE = 'google_workspace';

/**
 * One event of an activity, as explode hands it to normalize: the activity
 * (id, actor, ipAddress, …), the event itself (name, type, parameters) and
 * the event's index within `events[]` (undefined when the activity carries
 * it alone: Elastic's split leaves `events` one object).
 */
export class ActivityUnit {
  readonly activity: Obj;
  readonly event: Obj | undefined;
  readonly index: number | undefined;
  constructor(activity: Obj, event: Obj | undefined, index: number | undefined) {
    this.activity = activity;
    this.event = event;
    this.index = index;
  }
}

/** Where the timestamp lives: `id.time`, or Panther's `p_event_time` (its documented event-time column). */
function timestampOf(activity: Obj): { ok: true; value: string } | { ok: false; code: ErrorCode; message: string; path: string } {
  const raw = obj(activity, 'id')?.['time'] ?? activity['p_event_time'];
  if (raw === undefined || raw === null || raw === '') {
    return { ok: false, code: ErrorCode.NormalizeNoTimestamp, message: 'Workspace activity has no id.time', path: '$.id.time' };
  }
  const value = typeof raw === 'string' ? isoTimestamp(raw.trim()) : undefined;
  if (value === undefined || typeof raw !== 'string') {
    return { ok: false, code: ErrorCode.NormalizeBadTimestamp, message: 'Workspace id.time is not an RFC 3339 timestamp', path: '$.id.time' };
  }
  return { ok: true, value };
}

function durationNanos(start: string | undefined, end: string | undefined): number | undefined {
  if (start === undefined || end === undefined) return undefined;
  const ns = (Date.parse(end) - Date.parse(start)) * 1_000_000;
  return Number.isSafeInteger(ns) ? ns : undefined;
}

export function normalizeActivity(activity: Obj, event: Obj | undefined, index: number | undefined, opts: NormalizeOptions): NormalizeResult {
  const ts = timestampOf(activity);
  if (!ts.ok) return failure(ts.code, ts.message, ts.path);

  const id = obj(activity, 'id');
  const actor = obj(activity, 'actor');
  const action = str(event, 'name');
  const eventType = str(event, 'type');
  const params = foldParameters(event?.['parameters']);
  const application = str(id, 'applicationName');
  const { dataset } = resolveDataset(application, eventType, params);

  const uniqueQualifier = idString(id, 'uniqueQualifier');
  const customerId = idString(id, 'customerId');
  const email = str(actor, 'email');
  const profileId = idString(actor, 'profileId');
  const sourceIp = ip(activity, 'ipAddress');
  const ownerDomain = str(activity, 'ownerDomain');
  const emailParts = splitEmail(email);

  const x = emptyExtras();
  mapParameters(dataset, params, x, action);
  const cat = categorize(dataset, action);

  const relatedUser: string[] = [];
  if (RELATED_ID_AND_EMAIL.has(dataset)) pushUnique(relatedUser, profileId, emailParts?.local, email);
  else pushUnique(relatedUser, emailParts?.local);
  pushUnique(relatedUser, ...x.relatedUser);
  const relatedHosts: string[] = [];
  pushUnique(relatedHosts, emailParts?.domain, ownerDomain, ...x.relatedHosts);
  const relatedIp: string[] = [];
  pushUnique(relatedIp, sourceIp, ...x.relatedIp);

  const actorUser = compact({ id: profileId, name: emailParts?.local, email, domain: emailParts?.domain });
  const target = x.targetUser;
  const group = x.group;

  const workspace: JsonObject = {
    kind: str(activity, 'kind'),
    etag: str(activity, 'etag'),
    actor: compact({
      email,
      profile: compact({ id: profileId }),
      type: str(actor, 'callerType'),
      key: str(actor, 'key'),
      application_name: str(obj(actor, 'applicationInfo'), 'applicationName'),
    }),
    event: compact({ name: action, type: eventType }),
    id: compact({
      time: ts.value,
      application_name: application,
      customer: compact({ id: customerId }),
      unique_qualifier: uniqueQualifier,
    }),
    ip_address: sourceIp,
    organization: compact({ domain: ownerDomain }),
  };
  // The application's own subtree, only when it holds something (a computed
  // key in the literal above would build the object the slow way).
  if (hasMembers(x.app)) workspace[dataset] = x.app as JsonValue;

  const doc: EcsEvent = {
    '@timestamp': ts.value,
    event: {
      kind: cat.kind,
      dataset: `${MODULE}.${dataset}`,
      module: MODULE,
      provider: application,
      id: uniqueQualifier,
      action,
      outcome: x.outcome,
      category: nonEmpty(cat.category),
      type: nonEmpty(cat.type),
      start: x.start,
      end: x.end,
      duration: durationNanos(x.start, x.end),
      original: opts.original,
    },
    message: x.message,
    user: compact({
      ...actorUser,
      target: target
        ? compact({ name: target.name, domain: target.domain, email: target.email, group: target.group ? compact({ ...target.group }) : undefined })
        : undefined,
    }),
    source: compact({ ip: sourceIp, user: actorUser }),
    organization: compact({ id: customerId }),
    group: group ? compact({ ...group }) : undefined,
    file: x.file ? compact(x.file) : undefined,
    url: x.url ? compact(x.url) : undefined,
    network: x.network,
    rule: x.rule ? compact(x.rule) : undefined,
    host: x.hostOsVersion === undefined ? undefined : { os: { version: x.hostOsVersion } },
    related: compact({
      user: nonEmpty(relatedUser),
      ip: nonEmpty(relatedIp),
      hosts: nonEmpty(relatedHosts),
      hash: nonEmpty(x.relatedHash),
    }),
    google_workspace: compact(workspace),
  };
  return { ok: true, event: doc, vendorId: vendorIdOf(activity, event, index) };
}

/**
 * Google names activities, not events: `id` (time, uniqueQualifier,
 * applicationName, customerId) identifies an activity, and one activity holds
 * many events that may share type and name (GRANT_ADMIN_PRIVILEGE to two
 * users differs only in USER_EMAIL). So the id of an event is its content:
 * the activity without its `events` (and without Panther's `p_*` bookkeeping
 * columns, which change from one export to the next, except `p_event_time`,
 * which can be the event time), then the event. An event equal to an earlier
 * one of the same `events[]` adds its rank among those twins, so a repeat is
 * a count, not a duplicate. An event has one id whether it arrives inside
 * `events[]` or split out alone, and on every redelivery.
 */
function vendorIdOf(activity: Obj, event: Obj | undefined, index: number | undefined): string {
  const head = activityText(activity);
  // Panther's flattened event: the activity is the event.
  if (event === activity) return head;
  const text = JSON.stringify(event ?? null);
  const twins = index === undefined || event === undefined ? 0 : earlierTwins(activity['events'], index, event, text);
  return twins === 0 ? `${head}\n${text}` : `${head}\n${text}\n${twins}`;
}

/** The activity's own text, once per activity however many events it has. */
const ACTIVITY_TEXT = new WeakMap<Obj, string>();

function activityText(activity: Obj): string {
  let text = ACTIVITY_TEXT.get(activity);
  if (text === undefined) {
    const own: Record<string, unknown> = {};
    for (const key of Object.keys(activity)) {
      if (key === 'events' || (key.startsWith('p_') && key !== 'p_event_time')) continue;
      own[key] = activity[key];
    }
    text = JSON.stringify(own);
    ACTIVITY_TEXT.set(activity, text);
  }
  return text;
}

/** How many events before `index` in `events` are equal to `event` (whose JSON text is `text`). */
function earlierTwins(events: unknown, index: number, event: Obj, text: string): number {
  if (!Array.isArray(events)) return 0;
  let twins = 0;
  for (let i = 0; i < index; i++) {
    const other: unknown = events[i];
    // Name and type first: the JSON text is built only for a likely twin.
    if (isObj(other) && other['name'] === event['name'] && other['type'] === event['type'] && JSON.stringify(other) === text) twins++;
  }
  return twins;
}
