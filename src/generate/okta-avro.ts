/**
 * Avro schemas of Okta System Log events (https://developer.okta.com/docs/reference/api/system-log/#logevent-object),
 * written by hand for Avro topics in tests, the bench and demos (docs/avro.md).
 * They cover what the Okta normalizer reads and what generateOkta writes.
 *
 * Two versions, as a producer evolves its schema: v2 adds `securityContext`
 * and `authenticationContext`, with defaults (a backward-compatible change).
 * A record keeps the shape its writer schema gave it; Sift decodes each with
 * its own writer schema, fetched by id.
 */

const OPT_STRING = ['null', 'string'] as const;
const opt = (name: string): { name: string; type: readonly ['null', 'string']; default: null } => ({ name, type: OPT_STRING, default: null });

const geographicalContext = {
  type: 'record',
  name: 'GeographicalContext',
  fields: [
    opt('city'),
    opt('state'),
    opt('country'),
    opt('postalCode'),
    { name: 'geolocation', type: ['null', { type: 'record', name: 'Geolocation', fields: [{ name: 'lat', type: 'double' }, { name: 'lon', type: 'double' }] }], default: null },
  ],
} as const;

const actor = {
  type: 'record',
  name: 'Actor',
  fields: [{ name: 'id', type: 'string' }, { name: 'type', type: 'string' }, opt('alternateId'), opt('displayName'), { name: 'detailEntry', type: ['null', { type: 'map', values: 'string' }], default: null }],
} as const;

const V1_FIELDS = [
  { name: 'uuid', type: 'string' },
  { name: 'published', type: 'string' },
  { name: 'eventType', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'severity', type: 'string' },
  opt('displayMessage'),
  opt('legacyEventType'),
  { name: 'actor', type: actor },
  {
    name: 'client',
    type: [
      'null',
      {
        type: 'record',
        name: 'Client',
        fields: [
          { name: 'userAgent', type: ['null', { type: 'record', name: 'UserAgent', fields: [opt('rawUserAgent'), opt('os'), opt('browser')] }], default: null },
          opt('zone'),
          opt('device'),
          opt('id'),
          opt('ipAddress'),
          { name: 'geographicalContext', type: ['null', geographicalContext], default: null },
        ],
      },
    ],
    default: null,
  },
  { name: 'outcome', type: ['null', { type: 'record', name: 'Outcome', fields: [{ name: 'result', type: 'string' }, opt('reason')] }], default: null },
  { name: 'target', type: ['null', { type: 'array', items: 'Actor' }], default: null },
  { name: 'transaction', type: ['null', { type: 'record', name: 'Transaction', fields: [opt('type'), opt('id'), { name: 'detail', type: { type: 'map', values: 'string' }, default: {} }] }], default: null },
  { name: 'debugContext', type: ['null', { type: 'record', name: 'DebugContext', fields: [{ name: 'debugData', type: { type: 'map', values: 'string' }, default: {} }] }], default: null },
  {
    name: 'request',
    type: [
      'null',
      {
        type: 'record',
        name: 'Request',
        fields: [
          {
            name: 'ipChain',
            type: { type: 'array', items: { type: 'record', name: 'IpAddress', fields: [opt('ip'), { name: 'geographicalContext', type: ['null', 'GeographicalContext'], default: null }, opt('version'), opt('source')] } },
            default: [],
          },
        ],
      },
    ],
    default: null,
  },
] as const;

const V2_FIELDS = [
  ...V1_FIELDS,
  {
    name: 'securityContext',
    type: ['null', { type: 'record', name: 'SecurityContext', fields: [{ name: 'asNumber', type: ['null', 'long'], default: null }, opt('asOrg'), opt('isp'), opt('domain'), { name: 'isProxy', type: ['null', 'boolean'], default: null }] }],
    default: null,
  },
  {
    name: 'authenticationContext',
    type: [
      'null',
      {
        type: 'record',
        name: 'AuthenticationContext',
        fields: [opt('authenticationProvider'), opt('credentialProvider'), opt('credentialType'), opt('issuer'), opt('interface'), { name: 'authenticationStep', type: 'int', default: 0 }, opt('externalSessionId')],
      },
    ],
    default: null,
  },
] as const;

export const OKTA_AVRO_SCHEMA_V1 = { type: 'record', name: 'LogEvent', namespace: 'com.okta.systemlog', fields: V1_FIELDS } as const;
export const OKTA_AVRO_SCHEMA_V2 = { type: 'record', name: 'LogEvent', namespace: 'com.okta.systemlog', fields: V2_FIELDS } as const;
