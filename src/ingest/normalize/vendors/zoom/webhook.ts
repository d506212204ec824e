/**
 * Zoom webhook event notifications → ECS (`zoom.webhook`).
 *
 * Vendor schema: https://developers.zoom.us/docs/api/rest/webhook-reference/
 * (`{"event":"user.created","event_ts":…,"payload":{"account_id":…,
 * "operator":…,"operator_id":…,"object":{…},"old_object":{…}}}`). Filebeat's
 * http_endpoint input (Elastic's delivery) nests the body under `zoom`; that
 * wrapper is accepted too. Mapping and `zoom.*` names follow Elastic's Zoom
 * integration (data stream `webhook`, one sub-pipeline per event family).
 */
import type { EcsEvent, JsonObject } from '../../../../ecs/index.js';
import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { cleanJson, int, ip, isObj, obj, str, type Obj } from '../../accessors.js';
import { RECEIPT_TIME_TAG, type NormalizeOptions, type NormalizeResult } from '../../result.js';
import { isoTimestamp } from '../../timestamp.js';
import { categorize, timeCandidates, type TimeCandidate } from './families.js';
import { peopleOf } from './people.js';
import { projection, type Projection } from './project.js';
import { compact, isoFromMillis, keyword, listOf } from './util.js';

export const WEBHOOK = 'zoom.webhook';

/** Event family → the `zoom.<name>` its `payload.object` is copied to. */
const OBJECTS: ReadonlyMap<string, Projection> = new Map(
  ['account', 'chat_channel', 'chat_message', 'meeting', 'phone', 'recording', 'user', 'webinar', 'zoomroom'].map((f) => [f, projection(f)]),
);
const PARTICIPANT = projection('participant');
const REGISTRANT = projection('registrant');

/** Nested lists Elastic drops from old values (large, and useless for detection). */
const DROPPED_OLD_KEYS = new Set(['occurrences', 'recurrence', 'managed_domains', 'call_logs', 'recording_files']);

/** The webhook body, whether sent as is or wrapped under `zoom` by Filebeat. */
export function webhookBody(raw: Obj): { body: Obj; wrapped: boolean } {
  const inner = obj(raw, 'zoom');
  return inner !== undefined && typeof inner['event'] === 'string' ? { body: inner, wrapped: true } : { body: raw, wrapped: false };
}

function parseTime(v: unknown): string | undefined {
  if (typeof v === 'number') return isoFromMillis(v);
  if (typeof v !== 'string' || v === '') return undefined;
  return /^\d{10,16}$/.test(v) ? isoFromMillis(Number(v)) : isoTimestamp(v);
}

/**
 * The first candidate that parses; a value that is present but unparsable is
 * skipped (as Elastic does) and reported only if nothing else parses. No
 * candidate at all → no timestamp: Sift never substitutes the clock.
 */
function timestampOf(candidates: readonly TimeCandidate[], prefix: string): string | Failure {
  let bad: string | undefined;
  for (const [value, path] of candidates) {
    if (value === undefined || value === null || value === '') continue;
    const iso = parseTime(value);
    if (iso !== undefined) return iso;
    bad ??= path;
  }
  return bad === undefined
    ? failure(ErrorCode.NormalizeNoTimestamp, 'Zoom webhook has no event_ts nor any event time in its payload', `${prefix}event_ts`)
    : failure(ErrorCode.NormalizeBadTimestamp, 'Zoom webhook event time does not parse', `${prefix}${bad}`);
}

function oldValuesOf(old: unknown): JsonObject | undefined {
  const clean = cleanJson(old);
  if (!isObj(clean)) return undefined;
  let out: JsonObject | undefined;
  // cleanJson already removed __proto__/constructor/prototype keys.
  for (const key of Object.keys(clean)) {
    if (DROPPED_OLD_KEYS.has(key)) continue;
    out ??= {};
    out[key] = clean[key] as JsonObject[string];
  }
  return out;
}

/** Voicemail events name caller/callee fields flat (`caller_name`); calls nest them (`caller.name`). */
function phoneView(object: Obj): Obj {
  const view: Record<string, unknown> = { ...object };
  for (const side of ['caller', 'callee']) {
    const merged: Record<string, unknown> = {};
    for (const [flat, nested] of [['id', 'id'], ['name', 'name'], ['number', 'phone_number'], ['number_type', 'number_type'], ['user_id', 'user_id'], ['extension_type', 'extension_type']]) {
      const v = object[`${side}_${flat}`];
      if (v !== undefined) merged[nested as string] = v;
    }
    view[side] = { ...merged, ...obj(object, side) };
  }
  return view;
}

export function normalizeZoomWebhook(raw: Obj, opts: NormalizeOptions): NormalizeResult {
  const { body, wrapped } = webhookBody(raw);
  const prefix = wrapped ? '$.zoom.' : '$.';
  const action = str(body, 'event');
  const dot = action?.indexOf('.') ?? -1;
  const family = action === undefined ? '' : dot < 0 ? action : action.slice(0, dot);
  const name = action === undefined || dot < 0 ? '' : action.slice(dot + 1);
  const payload = obj(body, 'payload');
  const rawObject = obj(payload, 'object');
  const object = family === 'phone' && rawObject ? phoneView(rawObject) : rawObject;
  const participant = obj(object, 'participant');
  const registrant = obj(object, 'registrant');
  const oldObject = obj(payload, 'old_object');

  const candidates = [...timeCandidates(family, name, payload, object), [body['event_ts'], 'event_ts'] as const];
  const timestamp = timestampOf(candidates, prefix);
  // Old (2019–2021) webhook bodies carry no event time at all. Zoom delivers
  // webhooks as the events happen, so the delivery time is the documented
  // stand-in: Filebeat's receipt time when the wrapper has one, else the
  // Kafka record's. Either way the event is tagged, never silently stamped.
  const received = typeof timestamp === 'string' ? undefined : ((wrapped ? parseTime(raw['@timestamp']) : undefined) ?? opts.receivedAt);
  const ts = typeof timestamp === 'string' ? timestamp : received;
  if (ts === undefined) return timestamp as Failure;

  const accountId = keyword(payload, 'account_id');
  const operator = str(payload, 'operator');
  const operatorId = keyword(payload, 'operator_id');
  const objectId = keyword(object, 'id');
  const cat = categorize(family, name);

  const people = peopleOf(family, payload, object);
  const sourceIp = ip(participant, 'public_ip');
  const duration = family === 'meeting' ? int(object, 'duration') : undefined;
  const nanos = duration === undefined ? undefined : duration * 60_000_000_000;
  const recordingFile = obj(object, 'recording_file');
  const url =
    family === 'meeting'
      ? (str(object, 'join_url') ?? str(registrant, 'join_url'))
      : family === 'recording'
        ? str(object, 'share_url')
        : family === 'phone'
          ? str(object, 'download_url')
          : undefined;
  const objectCopy = OBJECTS.get(family)?.(object);

  const event: EcsEvent = {
    '@timestamp': ts,
    tags: received === undefined ? undefined : [RECEIPT_TIME_TAG],
    event: {
      kind: 'event',
      dataset: WEBHOOK,
      module: 'zoom',
      action,
      category: cat.category,
      type: cat.type,
      duration: nanos !== undefined && Number.isSafeInteger(nanos) ? nanos : undefined,
      start:
        action === 'meeting.started'
          ? parseTime(object?.['start_time'])
          : action === 'recording.started'
            ? parseTime(recordingFile?.['recording_start'])
            : undefined,
      end: action === 'recording.stopped' ? parseTime(recordingFile?.['recording_end']) : undefined,
      original: opts.original,
    },
    observer: { vendor: 'Zoom', product: 'Webhook' },
    user: compact({ ...people.actor, target: compact(people.target), changes: compact(people.changes) }),
    source: compact({
      ip: sourceIp,
      user: family === 'phone' ? compact({ id: keyword(obj(object, 'caller'), 'user_id') }) : undefined,
    }),
    destination: family === 'phone' ? compact({ user: compact({ id: keyword(obj(object, 'callee'), 'user_id') }) }) : undefined,
    url: compact({ full: url }),
    related: compact({ user: listOf(...people.related), ip: listOf(sourceIp) }),
    zoom: compact({
      account_id: family === 'account' ? undefined : accountId,
      master_account_id: family === 'account' ? accountId : undefined,
      sub_account_id: family === 'account' ? objectId : undefined,
      operator,
      operator_id: operatorId,
      creation_type: str(payload, 'creation_type'),
      old_values: oldValuesOf(oldObject),
      settings: cleanJson(object?.['settings']) as JsonObject | undefined,
      participant: PARTICIPANT(participant),
      registrant: REGISTRANT(registrant),
      ...(objectCopy === undefined ? {} : { [family]: objectCopy }),
    }),
  };
  // Zoom webhooks carry no event id, and two notifications can share event,
  // time, account and object while telling different things (another setting
  // changed, another operator): the id is the whole body, with the time the
  // event was stamped with (the delivery time, for bodies that carry none).
  const vendorId = JSON.stringify([ts, body]);
  return { ok: true, event, vendorId };
}
