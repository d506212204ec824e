/**
 * Alerts on the Kafka topic as Avro (`alerts.kafka.format: avro`,
 * docs/avro.md): the Confluent wire format with the schema below, written by
 * hand from the document buildAlert makes (src/alerts/alert.ts). Sift
 * registers it under `<alerts.topic>-value` at start.
 *
 * What is typed: every field buildAlert always writes, the optional ones as
 * `["null", …]` unions. What cannot be typed ahead: a rule's group values and
 * output fields are any JSON, so `sift.group` and `sift.fields` are maps of
 * JSON text. The entity fields (user.name, source.ip, …) are a map of dotted
 * names to text.
 */
import avro from 'avsc';
import type { JsonObject, JsonValue } from '../ecs/index.js';
import { WIRE_HEADER_BYTES, frameWire } from '../ingest/index.js';
import { ENTITY_FIELDS, put, read } from './alert.js';
import { parseAlertRecord, type AlertRecord } from './sinks/kafka.js';

const OPTIONAL_STRING = ['null', 'string'] as const;
const STRINGS = { type: 'array', items: 'string' } as const;

export const ALERT_AVRO_SCHEMA = {
  type: 'record',
  name: 'Alert',
  namespace: 'dev.sift.alerts',
  doc: 'A Sift alert (docs/alerts.md). Keyed by id on the alerts topic.',
  fields: [
    { name: 'id', type: 'string', doc: 'sha256(rule id, group key, window start), hex' },
    { name: 'rule_id', type: 'string' },
    { name: 'severity', type: { type: 'enum', name: 'Severity', symbols: ['low', 'medium', 'high', 'critical'] } },
    { name: 'update', type: 'boolean', doc: 'true: an update of an earlier alert (suppressed repeats), never paged again' },
    { name: 'timestamp', type: 'string', doc: "the document's @timestamp (detection time), RFC 3339" },
    { name: 'message', type: 'string' },
    {
      name: 'event',
      type: {
        type: 'record',
        name: 'AlertEvent',
        fields: [
          { name: 'kind', type: 'string' },
          { name: 'id', type: 'string' },
          { name: 'dataset', type: 'string' },
          { name: 'module', type: 'string' },
          { name: 'severity', type: 'int', doc: 'ECS event.severity: 21, 47, 73, 99' },
          { name: 'risk_score', type: 'double' },
          { name: 'start', type: 'string' },
          { name: 'end', type: 'string' },
          { name: 'created', type: 'string' },
        ],
      },
    },
    {
      name: 'rule',
      type: {
        type: 'record',
        name: 'AlertRule',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'name', type: 'string' },
          { name: 'version', type: 'string' },
          { name: 'description', type: 'string' },
          { name: 'ruleset', type: 'string' },
          { name: 'reference', type: OPTIONAL_STRING, default: null },
        ],
      },
    },
    { name: 'tags', type: STRINGS },
    {
      name: 'threat',
      type: [
        'null',
        {
          type: 'record',
          name: 'Threat',
          fields: [
            { name: 'framework', type: 'string' },
            { name: 'technique_ids', type: STRINGS },
            { name: 'tactic_names', type: STRINGS },
          ],
        },
      ],
      default: null,
    },
    { name: 'entities', type: { type: 'map', values: 'string' }, doc: 'user.name, user.email, user.id, source.ip, client.ip, user.target.name, user.target.email, host.name of the last event' },
    { name: 'related_user', type: STRINGS },
    { name: 'related_ip', type: STRINGS },
    {
      name: 'sift',
      type: {
        type: 'record',
        name: 'SiftAlert',
        fields: [
          { name: 'severity', type: 'string' },
          { name: 'risk_score', type: 'double' },
          { name: 'group_key', type: 'string' },
          { name: 'group', type: { type: 'map', values: 'string' }, doc: 'group field → its value as JSON text' },
          { name: 'window_start', type: 'string' },
          { name: 'first_event', type: 'string' },
          { name: 'last_event', type: 'string' },
          { name: 'detected_at', type: 'string' },
          { name: 'count', type: 'long' },
          { name: 'event_ids', type: STRINGS },
          { name: 'fields', type: { type: 'map', values: 'string' }, doc: 'output field → its value as JSON text' },
          {
            name: 'sample',
            type: {
              type: 'array',
              items: {
                type: 'record',
                name: 'SampleEvent',
                fields: [
                  { name: 'timestamp', type: 'string' },
                  { name: 'dataset', type: 'string' },
                  { name: 'action', type: OPTIONAL_STRING },
                  { name: 'outcome', type: OPTIONAL_STRING },
                ],
              },
            },
          },
          { name: 'kind', type: 'string', doc: 'match, threshold, cardinality, sequence, new_terms' },
          { name: 'es_query', type: 'string' },
          { name: 'kibana', type: OPTIONAL_STRING, default: null },
          { name: 'runbook', type: OPTIONAL_STRING, default: null },
        ],
      },
    },
  ],
} as const;

const alertType = avro.Type.forSchema(ALERT_AVRO_SCHEMA as unknown as avro.Schema, { wrapUnions: 'never' });

type Obj = Readonly<Record<string, JsonValue | undefined>>;
const EMPTY: Obj = {};

function obj(o: Obj, key: string): Obj {
  const v = o[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : EMPTY;
}
function str(o: Obj, key: string): string {
  const v = o[key];
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}
function optStr(o: Obj, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' ? v : null;
}
function num(o: Obj, key: string): number {
  const v = o[key];
  return typeof v === 'number' ? v : 0;
}
function strings(o: Obj, key: string): string[] {
  const v = o[key];
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : [];
}
function jsonMap(o: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) out[k] = JSON.stringify(v);
  return out;
}
/** The alert record (as the JSON topic carries it) → the Avro value of ALERT_AVRO_SCHEMA. */
export function alertToAvro(r: AlertRecord): Record<string, unknown> {
  const doc = r.doc as Obj;
  const event = obj(doc, 'event');
  const rule = obj(doc, 'rule');
  const threat = obj(doc, 'threat');
  const sift = obj(obj(doc, 'sift'), 'alert');
  const links = obj(sift, 'links');
  const entities: Record<string, string> = {};
  for (const path of ENTITY_FIELDS) {
    const v = read(r.doc, path);
    if (v !== undefined && v !== null && typeof v !== 'object') entities[path] = String(v);
  }
  const sample = Array.isArray(sift.sample) ? sift.sample : [];
  return {
    id: r.id,
    rule_id: r.ruleId,
    severity: r.severity,
    update: r.update,
    timestamp: str(doc, '@timestamp'),
    message: str(doc, 'message'),
    event: {
      kind: str(event, 'kind'),
      id: str(event, 'id'),
      dataset: str(event, 'dataset'),
      module: str(event, 'module'),
      severity: num(event, 'severity'),
      risk_score: num(event, 'risk_score'),
      start: str(event, 'start'),
      end: str(event, 'end'),
      created: str(event, 'created'),
    },
    rule: { id: str(rule, 'id'), name: str(rule, 'name'), version: str(rule, 'version'), description: str(rule, 'description'), ruleset: str(rule, 'ruleset'), reference: optStr(rule, 'reference') },
    tags: strings(doc, 'tags'),
    threat: doc.threat === undefined ? null : { framework: str(threat, 'framework'), technique_ids: strings(obj(threat, 'technique'), 'id'), tactic_names: strings(obj(threat, 'tactic'), 'name') },
    entities,
    related_user: strings(obj(doc, 'related'), 'user'),
    related_ip: strings(obj(doc, 'related'), 'ip'),
    sift: {
      severity: str(sift, 'severity'),
      risk_score: num(sift, 'risk_score'),
      group_key: str(sift, 'group_key'),
      group: jsonMap(obj(sift, 'group')),
      window_start: str(sift, 'window_start'),
      first_event: str(sift, 'first_event'),
      last_event: str(sift, 'last_event'),
      detected_at: str(sift, 'detected_at'),
      count: num(sift, 'count'),
      event_ids: strings(sift, 'event_ids'),
      fields: jsonMap(obj(sift, 'fields')),
      sample: sample.map((s) => {
        const e = s !== null && typeof s === 'object' && !Array.isArray(s) ? s : EMPTY;
        const ev = obj(e, 'event');
        return { timestamp: str(e, '@timestamp'), dataset: str(ev, 'dataset'), action: optStr(ev, 'action'), outcome: optStr(ev, 'outcome') };
      }),
      kind: str(sift, 'kind'),
      es_query: str(links, 'es_query'),
      kibana: optStr(links, 'kibana'),
      runbook: optStr(sift, 'runbook'),
    },
  };
}

interface AvroAlert {
  id: string;
  rule_id: string;
  severity: AlertRecord['severity'];
  update: boolean;
  timestamp: string;
  message: string;
  event: { kind: string; id: string; dataset: string; module: string; severity: number; risk_score: number; start: string; end: string; created: string };
  rule: { id: string; name: string; version: string; description: string; ruleset: string; reference: string | null };
  tags: string[];
  threat: { framework: string; technique_ids: string[]; tactic_names: string[] } | null;
  entities: Record<string, string>;
  related_user: string[];
  related_ip: string[];
  sift: {
    severity: string;
    risk_score: number;
    group_key: string;
    group: Record<string, string>;
    window_start: string;
    first_event: string;
    last_event: string;
    detected_at: string;
    count: number;
    event_ids: string[];
    fields: Record<string, string>;
    sample: { timestamp: string; dataset: string; action: string | null; outcome: string | null }[];
    kind: string;
    es_query: string;
    kibana: string | null;
    runbook: string | null;
  };
}

function parseMap(m: Record<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(m)) out[k] = JSON.parse(v) as JsonValue;
  return out;
}

/** The Avro value → the alert record, its document shaped as buildAlert shapes it (entity values as text). */
export function alertFromAvro(a: AvroAlert): AlertRecord {
  const doc: JsonObject = {
    '@timestamp': a.timestamp,
    message: a.message,
    event: { ...a.event },
    rule: { id: a.rule.id, name: a.rule.name, version: a.rule.version, description: a.rule.description, ruleset: a.rule.ruleset, ...(a.rule.reference !== null ? { reference: a.rule.reference } : {}) },
    tags: [...a.tags],
  };
  if (a.threat) {
    const threat: JsonObject = { framework: a.threat.framework };
    if (a.threat.technique_ids.length > 0) threat.technique = { id: [...a.threat.technique_ids] };
    if (a.threat.tactic_names.length > 0) threat.tactic = { name: [...a.threat.tactic_names] };
    doc.threat = threat;
  }
  for (const path of ENTITY_FIELDS) {
    const v = a.entities[path];
    if (v !== undefined) put(doc, path, v);
  }
  if (a.related_user.length > 0 || a.related_ip.length > 0) {
    doc.related = { ...(a.related_user.length ? { user: [...a.related_user] } : {}), ...(a.related_ip.length ? { ip: [...a.related_ip] } : {}) };
  }
  const s = a.sift;
  doc.sift = {
    alert: {
      id: a.id,
      severity: s.severity,
      risk_score: s.risk_score,
      group_key: s.group_key,
      group: parseMap(s.group),
      window_start: s.window_start,
      first_event: s.first_event,
      last_event: s.last_event,
      detected_at: s.detected_at,
      count: s.count,
      event_ids: [...s.event_ids],
      fields: parseMap(s.fields),
      sample: s.sample.map((e) => ({ '@timestamp': e.timestamp, event: { dataset: e.dataset, action: e.action, outcome: e.outcome } })),
      kind: s.kind,
      links: { es_query: s.es_query, ...(s.kibana !== null ? { kibana: s.kibana } : {}) },
      ...(s.runbook !== null ? { runbook: s.runbook } : {}),
    },
  };
  return { id: a.id, ruleId: a.rule_id, severity: a.severity, update: a.update, doc };
}

/** How alert records are written to and read from the alerts topic. */
export interface AlertCodec {
  encode(r: AlertRecord): Buffer | string;
  /** undefined: not an alert record this codec can read. */
  decode(value: Buffer | null): AlertRecord | undefined;
}

/**
 * The Avro codec once the schema is registered under `schemaId`. It reads
 * Avro records (wire format) with Sift's schema, and JSON ones too: a topic
 * switched to avro still holds the alerts written before.
 */
export function createAlertAvroCodec(schemaId: number): AlertCodec {
  return {
    encode: (r) => frameWire(schemaId, alertType.toBuffer(alertToAvro(r))),
    decode(value) {
      if (value === null || value.length === 0) return undefined;
      if (value[0] !== 0) return parseAlertRecord(value);
      if (value.length < WIRE_HEADER_BYTES) return undefined;
      try {
        return alertFromAvro(alertType.fromBuffer(value.subarray(WIRE_HEADER_BYTES)) as AvroAlert);
      } catch {
        return undefined;
      }
    },
  };
}

/** The registry subject of a topic's values (Confluent's TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** The schema as the registry stores it. */
export const ALERT_AVRO_SCHEMA_TEXT = JSON.stringify(ALERT_AVRO_SCHEMA);
