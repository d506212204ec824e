/**
 * Accounting, as a property over all eight sources (issue 9, defect 5):
 * every consumed record yields at least one document or at least one dead
 * letter, and the counts add up (each event of a record is indexed or
 * dead-lettered exactly once).
 *
 * Records are drawn from the corpus (its events, in the vendors' own
 * envelopes, NDJSON and JSON arrays, written here from the vendors'
 * documentation) and then mutated: keys dropped or replaced, arrays emptied,
 * wrong types and non-objects, an empty envelope key added to a real event,
 * nesting, truncation, invalid UTF-8.
 *
 * Two levels are checked. `prepareBatch` must account for every record.
 * Below it, each source must stand on its own: its `explode` returns a
 * Failure or at least one unit for every value a record decodes into, so no
 * record depends on the batch stage's last-resort "no events" dead letter.
 *
 * `SIFT_PROPERTY_STATS=1` prints how many records and events were checked.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_VENDORS, vendorRecords } from '../../src/conformance/index.js';
import { sourceFor, type RawRecord, type Source } from '../../src/ingest/index.js';
import { planSource, prepareBatch, type Prepared, type SourcePlan } from '../../src/pipeline/index.js';
import { CORPUS } from '../helpers/corpus.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const VENDORS = Object.keys(CORPUS_VENDORS);
/** Runs per source; `SIFT_PROPERTY_RUNS` raises it for a longer hunt than `make test` can afford. */
const RUNS = Number(process.env['SIFT_PROPERTY_RUNS'] ?? 250);
const LIMITS = { maxBytes: 1 << 20, maxDepth: 64 };
const b64 = (v: Json): string => Buffer.from(JSON.stringify(v)).toString('base64');
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The delivery shapes of each source (docs/sources/*.md, vendor docs),
 * built around a list of its events. An empty list gives an empty envelope.
 */
const ENVELOPES: Readonly<Record<string, Readonly<Record<string, (events: Json[]) => Json>>>> = {
  okta: {},
  google_workspace: {
    activitiesPage: (events) => ({ kind: 'admin#reports#activities', etag: '"e"', items: events }),
    itemsOnly: (events) => ({ items: events, nextPageToken: 't' }),
    alertsPage: (events) => ({ alerts: events, nextPageToken: 't' }),
    activityOfEvents: (events) => ({
      kind: 'admin#reports#activity',
      id: { time: '2024-05-01T10:00:00.000Z', uniqueQualifier: '-1', applicationName: 'admin', customerId: 'C1' },
      actor: { email: 'a@example.com', profileId: '1' },
      events: events.map((e) => (isObj(e) && isObj(e['events']) ? e['events'] : e)),
    }),
  },
  slack: {
    page: (events) => ({ entries: events, response_metadata: { next_cursor: '' } }),
  },
  zoom: {
    operationPage: (events) => ({ from: '2024-06-01', to: '2024-06-30', page_size: 300, next_page_token: '', operation_logs: events }),
    activityPage: (events) => ({ from: '2024-06-01', to: '2024-06-30', page_size: 300, next_page_token: '', activity_logs: events }),
  },
  gitlab: {},
  github: {
    eventHubs: (events) => ({ records: events }),
    splunkHec: (events) => ({ event: events[0] ?? {}, time: 1700000000, sourcetype: 'github:enterprise:audit' }),
  },
  aws_cloudtrail: {
    logFile: (events) => ({ Records: events }),
    eventBridge: (events) => ({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: events[0] ?? {} }),
    cloudWatch: (events) => ({
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: 'trail',
      logEvents: events.map((e, i) => ({ id: String(i), timestamp: 1700000000000 + i, message: JSON.stringify(e) })),
    }),
    controlMessage: () => ({ messageType: 'CONTROL_MESSAGE', logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] }),
  },
  gcp_audit: {
    push: (events) => ({ message: { data: b64(events[0] ?? {}), messageId: '1' }, subscription: 'projects/p/subscriptions/s' }),
    message: (events) => ({ data: b64(events[0] ?? {}), attributes: {}, messageId: '1' }),
    batchInData: (events) => ({ data: b64(events), messageId: '1' }),
    messages: (events) => ({ messages: events.map((e) => ({ data: b64(e), messageId: '1' })) }),
    pull: (events) => ({ receivedMessages: events.map((e, i) => ({ ackId: `a${i}`, message: { data: b64(e), messageId: String(i) } })) }),
    entriesList: (events) => ({ entries: events, nextPageToken: '' }),
  },
};

/** Keys that mean "a batch of events" to some source: added empty (or wrong) to real events. */
const ENVELOPE_KEYS = ['Records', 'records', 'entries', 'items', 'alerts', 'operation_logs', 'activity_logs', 'messages', 'receivedMessages', 'logEvents', 'events', 'detail', 'message', 'data', 'event'];

const HOSTILE: Json[] = [[], {}, [1], [[]], [null], [{}], 1, 'x', '', null, true, { a: [] }];

/** Every (parent, key) slot of a JSON value, in pre-order. */
function slots(v: Json, out: { parent: Obj | Json[]; key: string | number }[] = []): { parent: Obj | Json[]; key: string | number }[] {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push({ parent: v, key: i });
      slots(x, out);
    });
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      out.push({ parent: v, key: k });
      slots(x, out);
    }
  }
  return out;
}

type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'empty'; at: number }
  | { kind: 'envelopeKey'; at: number; key: string; value: Json }
  | { kind: 'rootKey'; key: string; value: Json }
  | { kind: 'nest'; key: string | null }
  | { kind: 'root'; value: Json };

/** A fresh copy: generated values are shared between runs, and mutations edit in place. */
const fresh = (v: Json): Json => JSON.parse(JSON.stringify(v)) as Json;

function mutate(value: Json, m: Mutation): Json {
  const all = slots(value);
  const slot = 'at' in m ? all[m.at % Math.max(1, all.length)] : undefined;
  switch (m.kind) {
    case 'drop':
      if (slot && isObj(slot.parent)) delete slot.parent[slot.key as string];
      else if (slot && Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      return value;
    case 'replace':
      if (slot) (slot.parent as Record<string | number, Json>)[slot.key] = fresh(m.value);
      return value;
    case 'empty': {
      const arrays = all.filter((s) => Array.isArray((s.parent as Record<string | number, Json>)[s.key]));
      const target = arrays[m.at % Math.max(1, arrays.length)];
      if (target) (target.parent as Record<string | number, Json>)[target.key] = [];
      return value;
    }
    case 'envelopeKey': {
      const objects = all.map((s) => (s.parent as Record<string | number, Json>)[s.key]).filter(isObj);
      const target = objects[m.at % Math.max(1, objects.length)];
      if (target) target[m.key] = fresh(m.value);
      return value;
    }
    case 'rootKey':
      if (isObj(value)) value[m.key] = fresh(m.value);
      return value;
    case 'nest':
      return m.key === null ? [value] : { [m.key]: [value] };
    case 'root':
      return fresh(m.value);
  }
}

const hostile = fc.oneof(fc.constantFrom(...HOSTILE), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostile }),
  fc.record({ kind: fc.constant('empty' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('envelopeKey' as const), at: fc.nat(), key: fc.constantFrom(...ENVELOPE_KEYS), value: hostile }),
  fc.record({ kind: fc.constant('rootKey' as const), key: fc.constantFrom(...ENVELOPE_KEYS), value: fc.constantFrom<Json>([], [1], {}, 'x') }),
  fc.record({ kind: fc.constant('nest' as const), key: fc.option(fc.constantFrom(...ENVELOPE_KEYS)) }),
  fc.record({ kind: fc.constant('root' as const), value: hostile }),
);

type Bytes = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'badUtf8'; at: number; bytes: readonly number[] };
const bytesMutation: fc.Arbitrary<Bytes> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('badUtf8' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80]) }),
  },
);

function applyBytes(text: string, m: Bytes): Buffer {
  const buf = Buffer.from(text);
  if (m.kind === 'none') return buf;
  const at = Math.floor(m.at * buf.length);
  if (m.kind === 'truncate') return buf.subarray(0, at);
  return Buffer.concat([buf.subarray(0, at), Buffer.from(m.bytes), buf.subarray(at)]);
}

/** The events of a source's corpus: records that are one JSON object. */
function eventsOf(vendor: string): Obj[] {
  const out: Obj[] = [];
  for (const t of vendorRecords(CORPUS, vendor)) {
    try {
      const v = JSON.parse(t) as Json;
      if (isObj(v)) out.push(v);
    } catch {
      // NDJSON corpus records: their lines are records of their own elsewhere.
    }
  }
  return out;
}

interface Spec {
  shape: string;
  picks: number[];
  mutations: Mutation[];
  bytes: Bytes;
}

/** One record's text: the corpus record itself, a shape around events, a JSON array or NDJSON of them, then mutated. */
function build(vendor: string, events: readonly Obj[], corpus: readonly string[], spec: Spec): Buffer {
  const picked = spec.picks.map((i) => JSON.parse(JSON.stringify(events[i % events.length])) as Json);
  if (spec.shape === 'corpus') return applyBytes(corpus[(spec.picks[0] ?? 0) % corpus.length] ?? '', spec.bytes);
  let text: string;
  if (spec.shape === 'ndjson') {
    text = picked.map((e, i) => JSON.stringify(spec.mutations[i] ? mutate(e, spec.mutations[i] as Mutation) : e)).join('\n');
  } else {
    let value: Json;
    if (spec.shape === 'single') value = picked[0] ?? {};
    else if (spec.shape === 'array') value = picked;
    else value = (ENVELOPES[vendor]?.[spec.shape] as (e: Json[]) => Json)(picked);
    for (const m of spec.mutations) value = mutate(value, m);
    text = JSON.stringify(value);
  }
  return applyBytes(text, spec.bytes);
}

function specOf(vendor: string): fc.Arbitrary<Spec> {
  const shapes = ['corpus', 'single', 'array', 'ndjson', ...Object.keys(ENVELOPES[vendor] ?? {})];
  return fc.record({
    shape: fc.constantFrom(...shapes),
    picks: fc.array(fc.nat(), { minLength: 0, maxLength: 4 }),
    mutations: fc.array(mutation, { maxLength: 3 }),
    bytes: bytesMutation,
  });
}

/** What went wrong with the accounting of one batch, per record (by offset). */
function accountingProblems(records: readonly RawRecord[], out: Prepared): string[] {
  const problems: string[] = [];
  const byRecord = new Map<RawRecord, { indexes: number[]; whole: number }>();
  for (const r of records) byRecord.set(r, { indexes: [], whole: 0 });
  const tally = (r: RawRecord, index: number | undefined, what: string): void => {
    const t = byRecord.get(r);
    if (!t) problems.push(`${what} for a record not in the batch`);
    else if (index === undefined) t.whole++;
    else t.indexes.push(index);
  };
  out.origins.forEach((o) => tally(o.record, o.eventIndex, 'document'));
  out.dead.forEach((d) => tally(d.record, d.eventIndex, 'dead letter'));
  if (out.docs.length !== out.origins.length) problems.push(`${out.docs.length} documents but ${out.origins.length} origins`);
  for (const [r, t] of byRecord) {
    const where = `record at offset ${r.offset} (${r.value?.subarray(0, 120).toString('utf8')})`;
    if (t.whole === 0 && t.indexes.length === 0) problems.push(`${where}: no document and no dead letter`);
    else if (t.whole > 0 && (t.whole > 1 || t.indexes.length > 0)) problems.push(`${where}: a whole-record dead letter beside ${t.whole - 1 + t.indexes.length} other outcomes`);
    else if (t.whole === 0) {
      const sorted = [...t.indexes].sort((a, b) => a - b);
      if (!sorted.every((x, i) => x === i)) problems.push(`${where}: event indexes ${JSON.stringify(sorted)} are not each event exactly once`);
    }
  }
  return problems;
}

/**
 * The values a record decodes into, read the documented way with the test's
 * own JSON.parse: one JSON value, else one per non-blank line; a JSON array
 * is a batch of events. Undefined when the bytes are not UTF-8 JSON at all.
 */
function candidatesOf(bytes: Buffer): unknown[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return [];
  }
  const values: unknown[] = [];
  try {
    values.push(JSON.parse(text) as unknown);
  } catch {
    for (const line of text.split('\n')) {
      try {
        if (line.trim() !== '') values.push(JSON.parse(line) as unknown);
      } catch {
        // A bad line is decode's to refuse.
      }
    }
  }
  return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** A candidate that explodes into nothing at all: the silent drop the sources must not have. */
function silentDrops(source: Source, bytes: Buffer): string[] {
  const out: string[] = [];
  for (const c of candidatesOf(bytes)) {
    const units = source.explode(c);
    if (Array.isArray(units) && units.length === 0) out.push(`${source.vendor}: explode(${JSON.stringify(c).slice(0, 200)}) gave no unit and no Failure`);
  }
  return out;
}

const stats = new Map<string, { batches: number; records: number; events: number; docs: number; dead: number }>();

afterAll(() => {
  if (process.env['SIFT_PROPERTY_STATS'] !== '1') return;
  for (const [vendor, s] of stats) console.info(`accounting ${vendor}: ${s.batches} batches, ${s.records} records, ${s.docs + s.dead} outcomes (${s.docs} documents, ${s.dead} dead letters), ${s.events} decoded values checked at explode`);
});

describe.each(VENDORS)('%s accounting', (vendor) => {
  const plan = planSource(vendor, 'default') as SourcePlan;
  const source = sourceFor(vendor) as Source;
  const events = eventsOf(vendor);
  const corpus = vendorRecords(CORPUS, vendor);
  const s = { batches: 0, records: 0, events: 0, docs: 0, dead: 0 };
  stats.set(vendor, s);

  it('has corpus events to draw from', () => {
    expect(events.length).toBeGreaterThan(0);
  });

  it('accounts for every record of every batch: documents and dead letters, each event exactly once', () => {
    fc.assert(
      fc.property(fc.array(specOf(vendor), { minLength: 1, maxLength: 6 }), (specs) => {
        const records: RawRecord[] = specs.map((spec, i) => ({
          topic: `sift.raw.${vendor}`,
          partition: 0,
          offset: String(i),
          timestamp: '1704067200000',
          key: null,
          value: build(vendor, events, corpus, spec),
        }));
        const out = prepareBatch(records, plan, { limits: LIMITS, keepOriginal: true });
        s.batches++;
        s.records += records.length;
        s.docs += out.docs.length;
        s.dead += out.dead.length;
        expect(accountingProblems(records, out)).toEqual([]);
        const drops: string[] = [];
        for (const r of records) {
          const value = r.value as Buffer;
          s.events += candidatesOf(value).length;
          drops.push(...silentDrops(source, value));
        }
        expect(drops).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, RUNS * 20 + 5_000);
});
