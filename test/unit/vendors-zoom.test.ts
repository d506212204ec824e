import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leafPaths } from '../../src/ecs/index.js';
import { RECEIPT_TIME_TAG, sourceFor } from '../../src/ingest/index.js';
import { prepareRecords, type PreparedOutcome } from '../helpers/prepared.js';
import { complianceSuite } from '../helpers/compliance.js';
import { CORPUS, elasticExpected, pantherLogs } from '../helpers/corpus.js';

const opts = { original: undefined };
const zoom = sourceFor('zoom');
if (!zoom) throw new Error('no zoom source');
const normalize = (raw: unknown) => zoom!.normalize(raw, opts);

function lines(stream: string, file: string): unknown[] {
  return readFileSync(join(CORPUS, 'elastic/zoom', stream, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}
const webhookInputs = (file: string): unknown[] =>
  (JSON.parse(readFileSync(join(CORPUS, 'elastic/zoom/webhook', file), 'utf8')) as { events: unknown[] }).events;
const pantherZoom = (): unknown[] => [
  ...pantherLogs('zoom_operation_rules').map((p) => p.test.log),
  ...pantherLogs('standard_rules')
    .filter((p) => (p.test.log as { p_log_type?: string }).p_log_type === 'Zoom.Activity')
    .map((p) => p.test.log),
];

/** Webhooks in today's documented shape (with event_ts), one per event family. */
const WEBHOOKS: Record<string, unknown>[] = [
  {
    event: 'meeting.participant_joined',
    event_ts: 1700000000123,
    payload: {
      account_id: 'acc1',
      object: {
        id: 85012345678, uuid: 'mU1==', host_id: 'host1', topic: 'Standup', type: 2, start_time: '2023-11-14T22:00:00Z', timezone: 'UTC', duration: 30,
        participant: { user_id: '16778240', user_name: 'Pat Doe', id: 'pat1', participant_uuid: 'puuid1', join_time: '2023-11-14T22:13:19Z', email: 'pat@example.com', public_ip: '203.0.113.9' },
      },
    },
  },
  {
    event: 'meeting.updated',
    event_ts: 1700000001000,
    payload: {
      account_id: 'acc1', operator: 'admin@example.com', operator_id: 'op1', time_stamp: 1700000000900,
      object: { id: 85012345678, join_url: 'https://zoom.us/j/85012345678', settings: { waiting_room: false } },
      old_object: { id: 85012345678, settings: { waiting_room: true }, occurrences: [{ occurrence_id: '1' }] },
    },
  },
  {
    event: 'user.updated',
    event_ts: 1700000002000,
    payload: {
      account_id: 'acc1', operator: 'admin@example.com', operator_id: 'op1',
      object: { id: 'u9', email: 'new@example.com', first_name: 'Neo', last_name: 'Anderson', type: 1 },
      old_object: { id: 'u9', email: 'old@example.com', first_name: 'Thomas', last_name: 'Anderson' },
    },
  },
  {
    event: 'phone.voicemail_received',
    event_ts: 1700000003000,
    payload: {
      account_id: 'acc1',
      object: { id: 'vm1', date_time: '2023-11-14T22:13:20Z', download_url: 'https://zoom.us/v/vm1', duration: 12, caller_number: '+15550100', caller_name: 'Caller', callee_user_id: 'u9', callee_name: 'Neo' },
    },
  },
  {
    event: 'account.updated',
    event_ts: 1700000004000,
    payload: {
      account_id: 'master1', operator: 'admin@example.com', operator_id: 'op1', time_stamp: 1700000003999,
      object: { id: 'sub1', account_name: 'New Name', account_email: 'acct@example.com' },
      old_object: { id: 'sub1', account_name: 'Old Name', account_email: 'acct@example.com' },
    },
  },
  {
    event: 'recording.completed',
    event_ts: 1700000005000,
    payload: { account_id: 'acc1', object: { uuid: 'r==', id: 1, host_id: 'host1', share_url: 'https://zoom.us/rec/share/x', total_size: 1024, recording_count: 2, recording_files: [{ id: 'f1' }] } },
  },
  {
    event: 'chat_channel.member_joined',
    event_ts: 1700000006000,
    payload: { account_id: 'acc1', operator: 'a@example.com', operator_id: 'op2', object: { id: 'ch1', name: 'general', type: 3, timestamp: 1700000005990, members: [{ id: 'm1', display_name: 'Mem One' }] } },
  },
  {
    event: 'webinar.registration_created',
    event_ts: 1700000007000,
    payload: { account_id: 'acc1', object: { id: 'w1', host_id: 'host1', topic: 'Launch', registrant: { id: 'reg1', email: 'reg@example.com', first_name: 'Reg', last_name: 'Istrant', join_url: 'https://zoom.us/w/w1' } } },
  },
  { event: 'endpoint.url_validation', event_ts: 1700000008000, payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' } },
];

describe('zoom compliance', () => {
  complianceSuite('zoom', () => [
    ...lines('operation', 'test-zoom-operation.log'),
    ...lines('activity', 'test-zoom-activity.log'),
    ...webhookInputs('test-user.json'),
    ...webhookInputs('test-zoomroom.json'),
    { operation_logs: lines('operation', 'test-zoom-operation.log'), next_page_token: '' },
    { activity_logs: lines('activity', 'test-zoom-activity.log'), page_size: 30 },
    ...WEBHOOKS,
    ...pantherZoom(),
  ]);
});

/** Elastic output fields Sift leaves to others (GeoIP, UA parsing) or ignores. */
const UNCLAIMED = [/^ecs\./, /^tags$/, /^event\.(original|ingested)$/, /^source\.(geo|as)\./];

/** Zoom sends some keyword values as numbers (user type, alert kind): compare as text. */
const canon = (v: unknown): string =>
  JSON.stringify(Array.isArray(v) ? [...new Set(v.map((x) => JSON.stringify(x)))].sort() : typeof v === 'number' ? String(v) : v);

function compare(doc: Record<string, unknown>, raw: unknown, skip: RegExp[] = []): { compared: number; mismatches: string[] } {
  const r = normalize(raw);
  if (r.ok !== true) return { compared: 0, mismatches: [`failed: ${r.code} ${r.message}`] };
  const ours = leafPaths(r.event);
  const mismatches: string[] = [];
  let compared = 0;
  for (const [path, value] of leafPaths(doc)) {
    if (UNCLAIMED.some((re) => re.test(path)) || skip.some((re) => re.test(path))) continue;
    compared++;
    const got = ours.get(path);
    const same = path === '@timestamp' ? Date.parse(String(got)) === Date.parse(String(value)) : canon(got) === canon(value);
    if (!same) mismatches.push(`${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
  }
  return { compared, mismatches };
}

describe('zoom.operation and zoom.activity against Elastic expected documents', () => {
  for (const [stream, file, dataset] of [
    ['operation', 'test-zoom-operation.log', 'zoom.operation'],
    ['activity', 'test-zoom-activity.log', 'zoom.activity'],
  ] as const) {
    it(`${dataset}: matches every field of every expected document`, () => {
      const { expected } = elasticExpected('zoom', stream, file);
      let compared = 0;
      const mismatches: string[] = [];
      for (const doc of expected) {
        const raw = JSON.parse((doc['event'] as { original: string }).original) as unknown;
        const c = compare(doc, raw);
        compared += c.compared;
        mismatches.push(...c.mismatches);
        const r = normalize(raw);
        expect(r.ok && r.event.event.dataset).toBe(dataset);
      }
      expect(compared).toBeGreaterThan(45);
      expect(mismatches).toEqual([]);
    });
  }
});

describe('zoom.webhook against Elastic expected documents', () => {
  // Elastic's 2021 test pipeline wrote event.kind as a list and put "iam" /
  // "authentication" into event.type; Sift follows ECS there (see docs).
  const OLD_PIPELINE = [/^event\.(kind|type)$/];

  for (const file of ['test-user.json', 'test-zoomroom.json']) {
    it(`${file}: matches the claimed fields where the body has an event time, refuses the others`, () => {
      const { expected } = elasticExpected('zoom', 'webhook', file);
      const inputs = webhookInputs(file);
      expect(inputs.length).toBe(expected.length);
      let compared = 0;
      let refused = 0;
      const mismatches: string[] = [];
      expected.forEach((doc, i) => {
        const r = normalize(inputs[i]);
        if (r.ok !== true) {
          // 2019-era bodies without event_ts, time_stamp or date_time: Elastic used the ingest time.
          expect(doc['@timestamp']).toBeUndefined();
          expect(r).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP', path: '$.zoom.event_ts' });
          refused++;
          return;
        }
        expect(r.event.event.dataset).toBe('zoom.webhook');
        const c = compare(doc, inputs[i], OLD_PIPELINE);
        compared += c.compared;
        mismatches.push(...c.mismatches.map((m) => `#${i} ${m}`));
      });
      expect(mismatches).toEqual([]);
      if (file === 'test-user.json') {
        expect(compared).toBeGreaterThan(60);
        expect(refused).toBe(6);
      }
    });
  }

  it('maps a user webhook that has a time_stamp field by field', () => {
    const r = normalize(webhookInputs('test-user.json')[3]);
    if (r.ok !== true) throw new Error('failed');
    expect(r.event['@timestamp']).toBe('2019-07-19T21:47:06.929Z');
    expect(r.event.event).toMatchObject({ action: 'user.settings_updated', kind: 'event', category: ['iam', 'configuration'], type: ['user', 'change'] });
    expect(r.event['zoom']).toEqual({
      account_id: 'CAl6ByEyAq8KK_CCCCCC',
      operator: 'iamtheoperator@gmail.com',
      operator_id: 'uLoRgfbbTayCX6r2Q_qQsQ',
      old_values: { id: 'uL34AAbbbbAAAAAAQsQ', settings: { in_meeting: { private_chat: true } } },
      settings: { in_meeting: { private_chat: false } },
      user: { id: 'uL34AAbbbbAAAAAAQsQ' },
    });
    expect(r.event['user']).toMatchObject({ id: 'uLoRgfbbTayCX6r2Q_qQsQ', email: 'iamtheoperator@gmail.com', target: { id: 'uL34AAbbbbAAAAAAQsQ' } });
    expect(r.event['observer']).toEqual({ vendor: 'Zoom', product: 'Webhook' });
  });
});

describe('zoom.webhook in today\'s shape', () => {
  const byAction = (action: string) => {
    const raw = WEBHOOKS.find((w) => w['event'] === action);
    const r = normalize(raw);
    if (r.ok !== true) throw new Error(`${action}: ${r.message}`);
    return r;
  };

  it('takes the participant as the actor of a meeting participant event', () => {
    const r = byAction('meeting.participant_joined');
    expect(r.event['@timestamp']).toBe('2023-11-14T22:13:19.000Z');
    expect(r.event['user']).toEqual({ id: 'pat1', full_name: 'Pat Doe', email: 'pat@example.com' });
    expect(r.event['source']).toEqual({ ip: '203.0.113.9' });
    expect(new Set((r.event['related'] as { user: string[] }).user)).toEqual(new Set(['pat1', '16778240', 'puuid1', 'host1']));
    expect(r.event.event).toMatchObject({ type: ['info'], duration: 1_800_000_000_000 });
    const z = r.event['zoom'] as Record<string, Record<string, unknown>>;
    expect(z['meeting']).toMatchObject({ id: '85012345678', uuid: 'mU1==', type: '2', start_time: '2023-11-14T22:00:00.000Z', duration: 30 });
    expect(z['participant']).toMatchObject({ user_id: '16778240', participant_uuid: 'puuid1', join_time: '2023-11-14T22:13:19.000Z' });
    expect(z['participant']).not.toHaveProperty('public_ip');
  });

  it('keeps old values (without the bulky lists) and settings of an update, and the join URL', () => {
    const r = byAction('meeting.updated');
    expect(r.event['@timestamp']).toBe('2023-11-14T22:13:20.900Z');
    expect(r.event['url']).toEqual({ full: 'https://zoom.us/j/85012345678' });
    const z = r.event['zoom'] as Record<string, unknown>;
    expect(z['old_values']).toEqual({ id: 85012345678, settings: { waiting_room: true } });
    expect(z['settings']).toEqual({ waiting_room: false });
    expect(r.event.event.type).toEqual(['info', 'change']);
  });

  it('sets user.target and user.changes on a user update', () => {
    const r = byAction('user.updated');
    expect(r.event['user']).toEqual({
      id: 'op1',
      email: 'admin@example.com',
      target: { id: 'u9', email: 'old@example.com', full_name: 'Thomas Anderson' },
      changes: { email: 'new@example.com', full_name: 'Neo Anderson' },
    });
    expect(r.event['@timestamp']).toBe('2023-11-14T22:13:22.000Z');
  });

  it('nests the flat caller/callee fields of a voicemail', () => {
    const r = byAction('phone.voicemail_received');
    expect((r.event['zoom'] as Record<string, unknown>)['phone']).toMatchObject({ caller: { phone_number: '+15550100', name: 'Caller' }, callee: { user_id: 'u9', name: 'Neo' } });
    expect(r.event['destination']).toEqual({ user: { id: 'u9' } });
    expect(r.event['url']).toEqual({ full: 'https://zoom.us/v/vm1' });
    expect(r.event['@timestamp']).toBe('2023-11-14T22:13:20.000Z');
  });

  it('splits master and sub account on account events', () => {
    const r = byAction('account.updated');
    expect(r.event['zoom']).toMatchObject({ master_account_id: 'master1', sub_account_id: 'sub1', account: { account_name: 'New Name' } });
    expect((r.event['zoom'] as Record<string, unknown>)['account_id']).toBeUndefined();
    expect(r.event['user']).toMatchObject({ target: { id: 'sub1', email: 'acct@example.com', full_name: 'Old Name' }, changes: { full_name: 'New Name' } });
    expect(r.event.event).toMatchObject({ category: ['iam'], type: ['user', 'change'] });
  });

  it('maps recordings, chat channels, webinar registrants and unknown families', () => {
    const rec = byAction('recording.completed');
    expect(rec.event['url']).toEqual({ full: 'https://zoom.us/rec/share/x' });
    expect(rec.event['user']).toEqual({ id: 'host1' });
    expect(rec.event.event.type).toEqual(['info', 'end']);
    const ch = byAction('chat_channel.member_joined');
    expect(ch.event['@timestamp']).toBe('2023-11-14T22:13:25.990Z');
    expect(new Set((ch.event['related'] as { user: string[] }).user)).toEqual(new Set(['op2', 'Mem One', 'm1']));
    const web = byAction('webinar.registration_created');
    expect(web.event['user']).toEqual({ id: 'reg1', email: 'reg@example.com', full_name: 'Reg Istrant' });
    expect(web.event.event.type).toEqual(['info', 'creation']);
    const other = byAction('endpoint.url_validation');
    expect(other.event['@timestamp']).toBe('2023-11-14T22:13:28.000Z');
    expect(other.event.event).toMatchObject({ action: 'endpoint.url_validation', dataset: 'zoom.webhook' });
  });
});

describe('zoom timestamps', () => {
  it('refuses report logs with a missing or unparsable time', () => {
    expect(normalize({ action: 'Update', category_type: 'User', operator: 'a@b.c' })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP', path: '$.time' });
    expect(normalize({ type: 'Sign in', email: 'a@b.c', time: 'soon' })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP', path: '$.time' });
    expect(normalize({ type: 'Sign in', email: 'a@b.c', time: 17 })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
  });

  it('reads Panther-style zone-less times as UTC', () => {
    const r = normalize({ action: 'Update', category_type: 'Account', operation_detail: 'x', operator: 'a@b.c', time: '2022-12-16 18:15:38' });
    expect(r.ok && r.event['@timestamp']).toBe('2022-12-16T18:15:38.000Z');
  });

  it('uses event_ts, and Filebeat\'s @timestamp only for a wrapped body without any time', () => {
    const body = { event: 'zoomroom.alert', payload: { account_id: 'a', object: { id: 'room1' } } };
    expect(normalize(body)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP', path: '$.event_ts' });
    const withTs = normalize({ ...body, event_ts: 1626230691572 });
    expect(withTs.ok && withTs.event['@timestamp']).toBe('2021-07-14T02:44:51.572Z');
    const wrapped = normalize({ '@timestamp': '2021-07-14T02:44:52.000Z', zoom: body });
    expect(wrapped.ok && wrapped.event['@timestamp']).toBe('2021-07-14T02:44:52.000Z');
    const both = normalize({ '@timestamp': '2021-07-14T02:44:52.000Z', zoom: { ...body, event_ts: 1626230691572 } });
    expect(both.ok && both.event['@timestamp']).toBe('2021-07-14T02:44:51.572Z');
    expect(normalize({ ...body, event_ts: 'later' })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP', path: '$.event_ts' });
  });

  it('normalizes every Panther Zoom event that has a time', () => {
    const logs = pantherZoom();
    expect(logs.length).toBeGreaterThan(15);
    for (const log of logs) {
      const r = normalize(log);
      if ((log as { time?: string }).time === undefined) expect(r).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
      else expect(r.ok, JSON.stringify(log)).toBe(true);
    }
  });
});

describe('zoom dataset choice, explode and vendor ids', () => {
  it('chooses the dataset from the documented shape of the record', () => {
    const ds = (raw: unknown) => {
      const r = normalize(raw);
      return r.ok ? r.event.event.dataset : r.code;
    };
    expect(ds({ time: '2024-01-01T00:00:00Z', category_type: 'Billing', operation_detail: 'x' })).toBe('zoom.operation');
    expect(ds({ time: '2024-01-01T00:00:00Z', operator: 'a@b.c', action: 'Add' })).toBe('zoom.operation');
    expect(ds({ time: '2024-01-01T00:00:00Z', email: 'a@b.c', type: 'Sign out' })).toBe('zoom.activity');
    expect(ds({ event: 'user.created', event_ts: 1, payload: {} })).toBe('zoom.webhook');
    expect(ds({ zoom: { event: 'user.created', payload: { time_stamp: 1 } } })).toBe('zoom.webhook');
    expect(ds({ time: '2024-01-01T00:00:00Z' })).toBe('SIFT_DECODE_UNKNOWN_SOURCE');
    expect(ds('text')).toBe('SIFT_NORMALIZE_NOT_OBJECT');
  });

  it('splits Report API pages and passes single events through', () => {
    const ops = lines('operation', 'test-zoom-operation.log');
    const acts = lines('activity', 'test-zoom-activity.log');
    expect(zoom.explode({ from: '2024-06-01', to: '2024-06-30', page_size: 300, next_page_token: '', operation_logs: ops })).toEqual(ops);
    expect(zoom.explode({ activity_logs: acts })).toEqual(acts);
    expect(zoom.explode({ activity_logs: [] })).toMatchObject({ ok: false, code: 'SIFT_DECODE_NO_EVENTS', path: '$.activity_logs' });
    expect(zoom.explode(WEBHOOKS[0])).toEqual([WEBHOOKS[0]]);
    expect(zoom.explode({ operation_logs: 'x' })).toMatchObject({ ok: false, code: 'SIFT_DECODE_UNKNOWN_SOURCE', path: '$.operation_logs' });
    expect(zoom.explode(42)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });

  it('builds deterministic composite ids that tell distinct events apart', () => {
    const ids = [...lines('operation', 'test-zoom-operation.log'), ...lines('activity', 'test-zoom-activity.log'), ...WEBHOOKS].map((raw) => {
      const r = normalize(raw);
      if (r.ok !== true) throw new Error(r.message);
      return r.vendorId;
    });
    expect(new Set(ids).size).toBe(ids.length);
    const op = normalize({ time: '2024-06-07T10:00:00Z', operator: 'admin@example.com', category_type: 'User', action: 'Add', operation_detail: 'Add User bob@example.com' });
    expect(op.ok && op.vendorId).toBe(JSON.stringify(['2024-06-07T10:00:00.000Z', 'admin@example.com', 'User', 'Add', 'Add User bob@example.com']));
    const hook = normalize(WEBHOOKS[0]);
    // docs/sources/zoom.md: a webhook's id is its time (here the participant's join_time) and its whole body.
    expect(hook.ok && hook.vendorId).toBe(JSON.stringify(['2023-11-14T22:13:19.000Z', WEBHOOKS[0]]));
    // The same operation written with and without a zone is the same document.
    const a = normalize({ time: '2022-12-16 18:15:38', operator: 'x@y.z', action: 'Update' });
    const b = normalize({ time: '2022-12-16T18:15:38Z', operator: 'x@y.z', action: 'Update' });
    expect(a.ok && b.ok && a.vendorId === b.vendorId).toBe(true);
  });
});

describe('zoom webhook without any event time', () => {
  const body = { event: 'user.created', payload: { account_id: 'A1', object: { id: 'u1', email: 'a@example.com' } } };

  it('is refused when there is no delivery time either', () => {
    expect(sourceFor('zoom')?.normalize(body, { original: undefined })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
  });

  it('takes the Kafka delivery time, and says so with a tag', () => {
    const r = sourceFor('zoom')?.normalize(body, { original: undefined, receivedAt: '2024-01-01T00:00:00.000Z' });
    expect(r).toMatchObject({ ok: true, event: { '@timestamp': '2024-01-01T00:00:00.000Z', tags: [RECEIPT_TIME_TAG] } });
  });
});

/** One record through the batch stage: each document as dataset:action, each dead letter as written. */
function prepared(value: unknown): Omit<PreparedOutcome, 'ids'> {
  const { actions, dead } = prepareRecords('zoom', [JSON.stringify(value)]);
  return { actions, dead };
}

describe('zoom: every record is indexed or dead-lettered (issue 9)', () => {
  const operation = { time: '2024-06-07T10:00:00Z', operator: 'admin@example.com', category_type: 'User', action: 'Add', operation_detail: 'Add User bob@example.com' };
  const activity = { email: 'pat@example.com', time: '2024-06-07T10:05:00Z', type: 'Sign in', ip_address: '203.0.113.9', client_type: 'Browser', version: '-' };

  it('indexes a log that also carries an empty page key', () => {
    expect(prepared({ ...operation, operation_logs: [] })).toEqual({ actions: ['zoom.operation:Add'], dead: [] });
    expect(prepared({ ...activity, activity_logs: [] })).toEqual({ actions: ['zoom.activity:sign-in'], dead: [] });
    expect(prepared({ ...WEBHOOKS[0], operation_logs: [] })).toEqual({ actions: ['zoom.webhook:meeting.participant_joined'], dead: [] });
  });

  it('dead-letters a Report API page with no logs', () => {
    for (const key of ['operation_logs', 'activity_logs']) {
      expect(prepared({ from: '2024-06-01', to: '2024-06-30', page_size: 300, next_page_token: '', [key]: [] }), key).toEqual({
        actions: [],
        dead: [{ stage: 'decode', code: 'SIFT_DECODE_NO_EVENTS', path: `$.${key}`, eventIndex: 0 }],
      });
    }
  });
});
