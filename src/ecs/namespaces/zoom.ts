import type { FieldDef, FieldType } from '../catalog.js';
import { field, prefixed, type Namespace } from '../namespace.js';

/**
 * The `zoom.*` namespace, following the field names of Elastic's Zoom
 * integration (packages/zoom: data streams `operation`, `activity`,
 * `webhook`) so that Kibana content built for it works on Sift's documents.
 *
 * The webhook part is the spec the webhook normalizer projects payloads
 * through: `zoom.<object>.<key>` declares which keys of a webhook's
 * `payload.object` (and its participant/registrant) are kept, with their
 * type. Old and new values of an update stay whole as `flattened`.
 */
const z = prefixed('zoom');

const REPORTS: readonly FieldDef[] = [
  z('operation.action', 'keyword', 'Action the admin took (Add, Update, Delete, …).'),
  z('operation.category_type', 'keyword', 'What was acted on (User, Account, Recording, Role, …).'),
  z('operation.operation_detail', 'keyword', 'Zoom\'s description of the operation.'),
  z('activity.type', 'keyword', 'Sign in or Sign out.'),
  z('activity.client_type', 'keyword', 'Client used (Browser, Windows, Mac, iOS, Android, …).'),
  z('activity.client_version', 'keyword', 'Version of the client.'),
];

/** [key under zoom.<object>, type] per webhook object, from Elastic's webhook fields. */
const OBJECTS: Readonly<Record<string, readonly (readonly [string, FieldType])[]>> = {
  account: [
    ['owner_id', 'keyword'], ['email', 'keyword'], ['owner_email', 'keyword'], ['account_name', 'keyword'],
    ['account_alias', 'keyword'], ['account_support_name', 'keyword'], ['account_support_email', 'keyword'],
  ],
  chat_channel: [['name', 'keyword'], ['id', 'keyword'], ['type', 'keyword']],
  chat_message: [
    ['id', 'keyword'], ['type', 'keyword'], ['session_id', 'keyword'], ['contact_email', 'keyword'], ['contact_id', 'keyword'],
    ['channel_id', 'keyword'], ['channel_name', 'keyword'], ['message', 'keyword'],
  ],
  meeting: [
    ['id', 'keyword'], ['uuid', 'keyword'], ['host_id', 'keyword'], ['topic', 'keyword'], ['type', 'keyword'], ['start_time', 'date'],
    ['timezone', 'keyword'], ['duration', 'long'], ['issues', 'keyword'], ['password', 'keyword'],
  ],
  phone: [
    ['id', 'keyword'], ['user_id', 'keyword'], ['download_url', 'keyword'], ['ringing_start_time', 'date'], ['connected_start_time', 'date'],
    ['answer_start_time', 'date'], ['call_end_time', 'date'], ['call_id', 'keyword'], ['duration', 'long'], ['date_time', 'date'],
    ...['caller', 'callee'].flatMap((side) =>
      ['id', 'user_id', 'name', 'number_type', 'phone_number', 'extension_type', 'extension_number', 'timezone', 'device_type'].map(
        (k) => [`${side}.${k}`, 'keyword'] as const,
      ),
    ),
  ],
  recording: [
    ['id', 'keyword'], ['uuid', 'keyword'], ['host_id', 'keyword'], ['topic', 'keyword'], ['type', 'keyword'], ['start_time', 'date'],
    ['timezone', 'keyword'], ['duration', 'long'], ['share_url', 'keyword'], ['total_size', 'long'], ['recording_count', 'long'],
    ['recording_file.recording_start', 'date'], ['recording_file.recording_end', 'date'], ['host_email', 'keyword'],
  ],
  user: [
    ['id', 'keyword'], ['first_name', 'keyword'], ['last_name', 'keyword'], ['email', 'keyword'], ['type', 'keyword'], ['login_type', 'keyword'],
    ['phone_number', 'keyword'], ['phone_country', 'keyword'], ['company', 'keyword'], ['pmi', 'keyword'], ['use_pmi', 'boolean'],
    ['pic_url', 'keyword'], ['vanity_name', 'keyword'], ['timezone', 'keyword'], ['language', 'keyword'], ['host_key', 'keyword'],
    ['role', 'keyword'], ['dept', 'keyword'], ['presence_status', 'keyword'], ['personal_notes', 'keyword'], ['client_type', 'keyword'],
    ['version', 'keyword'],
  ],
  webinar: [
    ['id', 'keyword'], ['join_url', 'keyword'], ['uuid', 'keyword'], ['host_id', 'keyword'], ['topic', 'keyword'], ['type', 'keyword'],
    ['start_time', 'date'], ['timezone', 'keyword'], ['duration', 'long'], ['agenda', 'keyword'], ['password', 'keyword'], ['issues', 'keyword'],
  ],
  zoomroom: [
    ['id', 'keyword'], ['room_name', 'keyword'], ['calendar_name', 'keyword'], ['calendar_id', 'keyword'], ['event_id', 'keyword'],
    ['change_key', 'keyword'], ['resource_email', 'keyword'], ['email', 'keyword'], ['issue', 'keyword'], ['alert_type', 'keyword'],
    ['component', 'keyword'], ['alert_kind', 'keyword'],
  ],
  registrant: [
    ['id', 'keyword'], ['status', 'keyword'], ['email', 'keyword'], ['first_name', 'keyword'], ['last_name', 'keyword'], ['address', 'keyword'],
    ['city', 'keyword'], ['country', 'keyword'], ['zip', 'keyword'], ['state', 'keyword'], ['phone', 'keyword'], ['industry', 'keyword'],
    ['org', 'keyword'], ['job_title', 'keyword'], ['purchasing_time_frame', 'keyword'], ['role_in_purchase_process', 'keyword'],
    ['no_of_employees', 'keyword'], ['comments', 'keyword'], ['join_url', 'keyword'],
  ],
  participant: [
    ['email', 'keyword'], ['id', 'keyword'], ['user_id', 'keyword'], ['user_name', 'keyword'], ['join_time', 'date'], ['leave_time', 'date'],
    ['sharing_details.link_source', 'keyword'], ['sharing_details.content', 'keyword'], ['sharing_details.file_link', 'keyword'],
    ['sharing_details.date_time', 'keyword'], ['sharing_details.source', 'keyword'], ['participant_user_id', 'keyword'],
    ['participant_uuid', 'keyword'], ['registrant_id', 'keyword'],
  ],
};

const WEBHOOK: readonly FieldDef[] = [
  z('account_id', 'keyword', 'Account the event belongs to.'),
  z('master_account_id', 'keyword', 'Master account of a sub account (account events).'),
  z('sub_account_id', 'keyword', 'The sub account acted upon (account events).'),
  z('operator', 'keyword', 'Email of the user who triggered the event.'),
  z('operator_id', 'keyword', 'Id of the user who triggered the event.'),
  z('creation_type', 'keyword', 'How a user was created (create, autoCreate, custCreate, ssoCreate).'),
  z('old_values', 'flattened', 'The values before an update (payload.old_object).'),
  z('settings', 'flattened', 'The settings of the object after an update (payload.object.settings).'),
  ...Object.entries(OBJECTS).flatMap(([object, keys]) =>
    keys.map(([key, type]) => z(`${object}.${key}`, type, `Key ${key} of the webhook's ${object} object.`)),
  ),
];

/** ECS fields beyond ECS_BASE that the Zoom normalizers fill. */
const ZOOM_ECS: readonly FieldDef[] = [
  field('observer.vendor', 'keyword', 'Vendor of the observer (the product that reported the event).'),
  field('observer.product', 'keyword', 'Product of the observer.'),
  field('url.full', 'keyword', 'Full URL (meeting join link, recording share link, voicemail download).'),
  field('event.duration', 'long', 'Duration of the event in nanoseconds.'),
  field('event.start', 'date', 'When the activity started.'),
  field('event.end', 'date', 'When the activity ended.'),
  field('user.changes.id', 'keyword', 'Id of the user after the change.'),
  field('user.changes.name', 'keyword', 'Name of the user after the change.'),
  field('user.changes.email', 'keyword', 'Email of the user after the change.'),
  field('user.changes.full_name', 'keyword', 'Full name of the user after the change.'),
  field('destination.user.id', 'keyword', 'Id of the user at the destination (callee).'),
];

export const ZOOM: Namespace = {
  vendor: 'zoom',
  datasets: ['zoom.operation', 'zoom.activity', 'zoom.webhook'],
  fields: [...REPORTS, ...WEBHOOK],
  ecsFields: ZOOM_ECS,
};
