/**
 * Per webhook family (the part of `event` before the first dot: user,
 * meeting, webinar, recording, phone, account, chat_message, chat_channel,
 * zoomroom): ECS categorization and where the event time is, following
 * Elastic's Zoom webhook pipelines and Zoom's event reference
 * (https://developers.zoom.us/docs/api/rest/reference/zoom-api/events/).
 */
import { obj, type Obj } from '../../accessors.js';

export interface Categorization {
  readonly category?: string[];
  readonly type?: string[];
}

type TypeTable = Readonly<Record<string, readonly string[]>>;
/** action name → the types whose list names it, in table order. */
type TypeIndex = ReadonlyMap<string, readonly string[]>;

/** Inverts a `type → action names` table once, at load. */
function invert(table: TypeTable): TypeIndex {
  const index = new Map<string, string[]>();
  for (const [type, names] of Object.entries(table)) {
    for (const name of names) {
      const types = index.get(name) ?? [];
      if (!types.includes(type)) types.push(type);
      index.set(name, types);
    }
  }
  return index;
}

/** `base` (a fresh list, extended in place) plus the types whose action list names `name`. */
function typesOf(name: string, base: string[], index: TypeIndex): string[] {
  for (const type of index.get(name) ?? []) if (!base.includes(type)) base.push(type);
  return base;
}

const MEETING_TYPES = {
  allowed: ['registration_approved'],
  denied: ['registration_denied'],
  creation: ['created', 'registration_created'],
  deletion: ['deleted'],
  start: ['started', 'sharing_started'],
  end: ['ended', 'sharing_ended'],
};

function user(name: string): Categorization {
  if (name === 'signed_in') return { category: ['authentication'], type: ['start'] };
  if (name === 'signed_out') return { category: ['authentication'], type: ['end'] };
  const category = name === 'settings_updated' ? ['iam', 'configuration'] : ['iam'];
  if (name === 'created' || name === 'invitation_accepted') return { category, type: ['user', 'creation'] };
  if (name === 'deleted') return { category, type: ['user', 'deletion'] };
  return { category, type: ['user', 'change'] };
}

const ACCOUNT_INDEX = invert({ creation: ['created'], change: ['updated', 'settings_updated', 'disassociated'] });
const MEETING_INDEX = invert({ ...MEETING_TYPES, change: ['updated'] });
const WEBINAR_INDEX = invert({ ...MEETING_TYPES, change: ['updated', 'registration_approved', 'registration_denied', 'registration_cancelled'] });
const RECORDING_INDEX = invert({
  creation: ['registration_created'],
  allowed: ['registration_approved'],
  denied: ['registration_denied'],
  deletion: ['deleted', 'trashed'],
  change: ['paused', 'resumed', 'renamed', 'recovered'],
  start: ['started'],
  end: ['stopped', 'completed', 'transcript_completed'],
});
const PHONE_INDEX = invert({
  creation: ['caller_ringing', 'callee_ringing'],
  start: ['callee_answered', 'caller_connected'],
  end: ['callee_missed', 'callee_ended', 'caller_ended'],
});
const CHAT_MESSAGE_INDEX = invert({ creation: ['sent'], deletion: ['deleted'], change: ['updated'] });
const CHAT_CHANNEL_INDEX = invert({
  user: ['member_invited', 'member_joined', 'member_left'],
  creation: ['created'],
  deletion: ['deleted'],
  change: ['updated'],
});

export function categorize(family: string, name: string): Categorization {
  switch (family) {
    case 'user':
      return user(name);
    case 'account':
      return { category: name === 'settings_updated' ? ['iam', 'configuration'] : ['iam'], type: typesOf(name, ['user'], ACCOUNT_INDEX) };
    case 'meeting':
      return { type: typesOf(name, [name === 'alert' ? 'error' : 'info'], MEETING_INDEX) };
    case 'webinar':
      return { type: typesOf(name, [name === 'alert' ? 'error' : 'info'], WEBINAR_INDEX) };
    case 'recording':
      return { type: typesOf(name, ['info'], RECORDING_INDEX) };
    case 'phone':
      return { type: typesOf(name, ['info'], PHONE_INDEX) };
    case 'chat_message':
      return { type: typesOf(name, ['info'], CHAT_MESSAGE_INDEX) };
    case 'chat_channel': {
      const type = typesOf(name, [], CHAT_CHANNEL_INDEX);
      return { type: type.length > 0 ? type : undefined };
    }
    case 'zoomroom':
      if (name === 'checked_in') return { type: ['info', 'start'] };
      if (name === 'checked_out') return { type: ['info', 'end'] };
      return {};
    default:
      return {};
  }
}

const CALL_ENDS = new Set(['callee_missed', 'callee_ended', 'caller_ended', 'callee_rejected']);

export type TimeCandidate = readonly [value: unknown, path: string];

/**
 * Where the time of the action itself is, most specific first. The payload's
 * `time_stamp` (epoch ms, on updates) comes first, then the family's own
 * time field; the caller adds `event_ts` (when Zoom emitted the
 * notification) after these.
 */
export function timeCandidates(family: string, name: string, payload: Obj | undefined, object: Obj | undefined): TimeCandidate[] {
  const out: TimeCandidate[] = [[payload?.['time_stamp'], 'payload.time_stamp']];
  const at = (o: Obj | undefined, key: string, path: string): void => void out.push([o?.[key], path]);
  const participant = obj(object, 'participant');
  switch (family) {
    case 'user':
      at(object, 'date_time', 'payload.object.date_time');
      break;
    case 'meeting':
    case 'webinar':
      if (name === 'participant_joined') at(participant, 'join_time', 'payload.object.participant.join_time');
      else if (name === 'participant_left') at(participant, 'leave_time', 'payload.object.participant.leave_time');
      else if (name.endsWith('waiting_room')) at(participant, 'date_time', 'payload.object.participant.date_time');
      else if (name === 'sharing_started') at(obj(participant, 'sharing_details'), 'date_time', 'payload.object.participant.sharing_details.date_time');
      else if (family === 'webinar' && name === 'started') at(object, 'start_time', 'payload.object.start_time');
      break;
    case 'recording':
      if (name === 'started') at(obj(object, 'recording_file'), 'recording_start', 'payload.object.recording_file.recording_start');
      break;
    case 'phone':
      if (CALL_ENDS.has(name)) at(object, 'call_end_time', 'payload.object.call_end_time');
      else if (name === 'callee_ringing' || name === 'caller_ringing') at(object, 'ringing_start_time', 'payload.object.ringing_start_time');
      else if (name === 'caller_connected') at(object, 'connected_start_time', 'payload.object.connected_start_time');
      else if (name === 'callee_answered') at(object, 'answer_start_time', 'payload.object.answer_start_time');
      else if (name === 'voicemail_received') at(object, 'date_time', 'payload.object.date_time');
      break;
    case 'chat_message':
    case 'chat_channel':
      at(object, 'timestamp', 'payload.object.timestamp');
      at(object, 'date_time', 'payload.object.date_time');
      break;
    default:
      break;
  }
  return out;
}
