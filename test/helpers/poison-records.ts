/**
 * Good and hostile records for each of the eight sources (poison-per-source),
 * each with its expected outcome written by hand from the docs: the `_id` it
 * must be indexed under (docs/sources/<source>.md, "Document id"; counted
 * instead for Google Workspace and Zoom, whose ids hash content), or the dead
 * letters it must leave (docs/dead-letter.md's reason codes; `index` is the
 * event index: undefined when the record's bytes are refused before any value
 * is read from them (not UTF-8, not JSON, too deep, too large), as
 * okta-workload.ts's oracle has it; a value refused by its source's envelope
 * reader or normalizer is event 0 of its record, or its place in the envelope).
 *
 * Good events are real shapes: the Elastic integrations' test logs in the
 * shared corpus where they carry a vendor id, the vendor-documented builders
 * of raw-events.ts otherwise; each copy gets a distinct vendor id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from './corpus.js';
import { oktaSignIn, workspaceLogin } from './raw-events.js';
import type { Json } from './rule-cases.js';
import { expectedDocId, expectedGcpId } from './vendor-ids.js';

type Obj = { [key: string]: Json };

export interface Expected {
  /** `_id`s the record must be indexed under. */
  readonly ids: readonly string[];
  /** Events indexed without an id the test can write out (Workspace, Zoom). */
  readonly counted: number;
  readonly dead: readonly { readonly index: number | undefined; readonly code: string }[];
}

export interface PoisonRecord extends Expected {
  readonly what: string;
  readonly value: Buffer;
}

export interface SourceCase {
  readonly source: string;
  /** Index pattern of its datasets' aliases (before `-<namespace>`). */
  readonly datasets: string;
  readonly records: readonly PoisonRecord[];
}

const MiB = 1024 * 1024;
const corpusLines = (file: string): Obj[] =>
  readFileSync(join(CORPUS, 'elastic', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Obj);

const text = (v: Json): Buffer => Buffer.from(JSON.stringify(v));
const indexed = (what: string, value: Json | Buffer, ids: string[], counted = 0): PoisonRecord => ({ what, value: Buffer.isBuffer(value) ? value : text(value), ids, counted, dead: [] });
const dead = (what: string, value: Json | Buffer, code: string, index?: number): PoisonRecord => ({ what, value: Buffer.isBuffer(value) ? value : text(value), ids: [], counted: 0, dead: [{ index, code }] });
/** Extra members written before the event's own (keeps it one line, one object). */
const prefixed = (members: string | Buffer, e: Obj): Buffer => Buffer.concat([Buffer.from('{'), Buffer.isBuffer(members) ? members : Buffer.from(members), Buffer.from(','), Buffer.from(JSON.stringify(e).slice(1))]);

interface Source {
  readonly source: string;
  readonly datasets: string;
  /** A good event with vendor id number `n`. */
  good(n: number): Obj;
  /** Its documented `_id`; undefined when the test counts instead. */
  id(e: Obj): string | undefined;
  /** Hostile records chosen for this source, from the good event maker. */
  specific(good: (n: number) => Obj, expect: (e: Obj) => Pick<Expected, 'ids' | 'counted'>): PoisonRecord[];
}

const on = (e: Obj, patch: Obj): Obj => ({ ...e, ...patch });

const SOURCES: Source[] = [
  {
    source: 'okta',
    datasets: 'okta.system',
    good: (n) => oktaSignIn({ uuid: `okta-${n}`, at: `2026-05-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`, user: `u${n}@example.com`, ip: '198.51.100.7', result: 'SUCCESS' }) as Obj,
    id: (e) => expectedDocId('okta.system', String(e['uuid'])),
    specific: (good, x) => [
      indexed('actor as an array', on(good(100), { actor: [good(0)['actor'] ?? null] }), [...x(good(100)).ids]),
      { what: 'page: a string beside an event', value: text(['not an event', good(101)]), ...x(good(101)), dead: [{ index: 0, code: 'SIFT_NORMALIZE_NOT_OBJECT' }] },
      dead('published 1e308', on(good(102), { published: 1e308 }), 'SIFT_NORMALIZE_BAD_TIMESTAMP', 0),
      indexed('escaped NUL in the user name', on(good(103), { actor: { id: '00u1', type: 'User', alternateId: 'nul\u0000user@example.com', displayName: 'nul\u0000' } }), [...x(good(103)).ids]),
    ],
  },
  {
    source: 'aws_cloudtrail',
    datasets: 'aws.cloudtrail',
    good: (n) => on(corpusLines('aws/cloudtrail/test-console-login-json.log')[n % 3] ?? {}, { eventID: `ct-${n}` }),
    id: (e) => expectedDocId('aws.cloudtrail', String(e['eventID'])),
    specific: (good, x) => [
      { what: 'Records: a string beside a record', value: text({ Records: ['a string', good(100)] }), ...x(good(100)), dead: [{ index: 0, code: 'SIFT_NORMALIZE_NOT_OBJECT' }] },
      { what: 'Records: eventTime an object', value: text({ Records: [on(good(101), { eventTime: { $date: '2024-01-01T00:00:00Z' } }), good(102)] }), ...x(good(102)), dead: [{ index: 0, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' }] },
      dead('Records: an object, not a list', { Records: { a: good(103) } }, 'SIFT_DECODE_UNKNOWN_SOURCE', 0),
    ],
  },
  {
    source: 'gcp_audit',
    datasets: 'gcp.audit',
    good: (n) => on(corpusLines('gcp/audit/test-iamcredentials-googleapis-com.log')[0] ?? {}, { insertId: `gcp-${n}` }),
    id: (e) => expectedGcpId(String(e['logName']), String(e['timestamp']), String(e['insertId'])),
    specific: (good, x) => [
      indexed('Pub/Sub message, good data', { data: Buffer.from(JSON.stringify(good(100))).toString('base64'), messageId: '1' }, [...x(good(100)).ids]),
      dead('Pub/Sub message, data not base64', { data: '%%% not base64 %%%', messageId: '2' }, 'SIFT_DECODE_NOT_JSON', 0),
      dead('timestamp an object', on(good(101), { timestamp: { seconds: 1714000000 } }), 'SIFT_NORMALIZE_BAD_TIMESTAMP', 0),
      { what: 'entries: null beside an entry', value: text({ entries: [null, good(102)] }), ...x(good(102)), dead: [{ index: 0, code: 'SIFT_NORMALIZE_NOT_OBJECT' }] },
    ],
  },
  {
    source: 'slack',
    datasets: 'slack.audit',
    good: (n) => on(corpusLines('slack/audit/test-audit.log')[n % 2] ?? {}, { id: `slack-${n}` }),
    id: (e) => expectedDocId('slack.audit', String(e['id'])),
    specific: (good, x) => [
      dead('date_create 1e308', on(good(100), { date_create: 1e308 }), 'SIFT_NORMALIZE_BAD_TIMESTAMP', 0),
      { what: 'page: a number beside an entry', value: text({ entries: [7, good(101)] }), ...x(good(101)), dead: [{ index: 0, code: 'SIFT_NORMALIZE_NOT_OBJECT' }] },
      dead('page: entries an object', { entries: { a: good(102) } }, 'SIFT_DECODE_UNKNOWN_SOURCE', 0),
    ],
  },
  {
    source: 'zoom',
    datasets: 'zoom.*',
    good: (n) => on(corpusLines('zoom/operation/test-zoom-operation.log')[n % 3] ?? {}, { operation_detail: `detail ${n}` }),
    id: () => undefined,
    specific: (good, x) => [
      dead('an object of no known shape', { meeting: { id: 1 } }, 'SIFT_DECODE_UNKNOWN_SOURCE', 0),
      { what: 'page: null beside a log', value: text({ from: '', to: '', page_size: 2, next_page_token: '', operation_logs: [null, good(100)] }), ...x(good(100)), dead: [{ index: 0, code: 'SIFT_NORMALIZE_NOT_OBJECT' }] },
    ],
  },
  {
    source: 'gitlab',
    datasets: 'gitlab.audit',
    good: (n) => on(corpusLines('gitlab/audit/test-audit.log')[0] ?? {}, { id: n + 1 }),
    id: (e) => expectedDocId('gitlab.audit', String(e['id'])),
    specific: (good, x) => {
      const { time: _time, ...withoutTime } = on(good(101), { created_at: '2024-02-30T10:00:00Z' });
      return [
        // docs/sources/gitlab.md: an unreadable created_at falls back to the line's `time`; with neither readable it is refused.
        indexed('created_at 2024-02-30, time readable', on(good(100), { created_at: '2024-02-30T10:00:00Z' }), [...x(good(100)).ids]),
        dead('created_at 2024-02-30, no time', withoutTime, 'SIFT_NORMALIZE_BAD_TIMESTAMP', 0),
        dead('a bare number', 42, 'SIFT_NORMALIZE_NOT_OBJECT', 0),
      ];
    },
  },
  {
    source: 'github',
    datasets: 'github.audit',
    good: (n) => on(corpusLines('github/audit/test-api-request-events.log')[n % 2] ?? {}, { _document_id: `gh-${n}` }),
    id: (e) => expectedDocId('github.audit', String(e['_document_id'])),
    specific: (good, x) => [
      dead('a webhook payload', { action: 'opened', sender: { login: 'octocat', id: 1 }, repository: { full_name: 'o/r' }, pull_request: { number: 1 } }, 'SIFT_NORMALIZE_WRONG_TYPE', 0),
      { what: 'Event Hubs batch: a string beside an entry', value: text({ records: ['x', good(100)] }), ...x(good(100)), dead: [{ index: 0, code: 'SIFT_NORMALIZE_NOT_OBJECT' }] },
    ],
  },
  {
    source: 'google_workspace',
    datasets: 'google_workspace.*',
    good: (n) => workspaceLogin({ id: `ws-${n}`, at: '2026-05-01T10:00:00.000Z', email: `u${n}@example.com`, ip: '198.51.100.7', events: ['login_success'] }) as Obj,
    id: () => undefined,
    specific: (good) => [
      dead('page: items an object', { kind: 'admin#reports#activities', items: { a: good(100) } }, 'SIFT_DECODE_UNKNOWN_SOURCE', 0),
      dead('id.time 2024-02-30', on(good(101), { id: { time: '2024-02-30T10:00:00Z', uniqueQualifier: 'q', applicationName: 'login', customerId: 'C1' } }), 'SIFT_NORMALIZE_BAD_TIMESTAMP', 0),
    ],
  },
];

/** The hostile records every source gets, built on one of its good events. */
function generic(e: Obj, x: Pick<Expected, 'ids' | 'counted'>): PoisonRecord[] {
  return [
    indexed('__proto__ and constructor keys', prefixed('"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}', e), [...x.ids], x.counted),
    dead('a raw NUL byte', prefixed(Buffer.from([0]), e), 'SIFT_DECODE_NOT_JSON'),
    dead('invalid UTF-8', prefixed(Buffer.concat([Buffer.from('"bad":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"')]), e), 'SIFT_DECODE_NOT_UTF8'),
    dead('2,000-deep nesting', prefixed(`"deep":${'['.repeat(2000)}${']'.repeat(2000)}`, e), 'SIFT_DECODE_TOO_DEEP'),
    dead('a 3 MB string', prefixed(`"blob":"${'x'.repeat(3 * MiB)}"`, e), 'SIFT_DECODE_TOO_LARGE'),
  ];
}

/** Per source: 3 good records, the generic hostile ones, then its own. */
export function poisonCases(): SourceCase[] {
  return SOURCES.map((s) => {
    const expect = (e: Obj): Pick<Expected, 'ids' | 'counted'> => {
      const id = s.id(e);
      return id === undefined ? { ids: [], counted: 1 } : { ids: [id], counted: 0 };
    };
    const goods = [0, 1, 2].map((n) => indexed(`good ${n}`, s.good(n), [...expect(s.good(n)).ids], expect(s.good(n)).counted));
    return { source: s.source, datasets: s.datasets, records: [...goods, ...generic(s.good(50), expect(s.good(50))), ...s.specific(s.good, expect)] };
  });
}
