/**
 * Okta traffic in the shapes it really reaches Kafka in, and where each of
 * its events must end up, decided without Sift's code.
 *
 * Shapes (docs/sources/okta.md, docs/sources.md): a System Log API page (the
 * JSON array `GET /api/v1/logs` returns; Okta's default page size is 100), an
 * NDJSON record (one LogEvent per line, as batch exports write them) and a
 * single LogEvent (EventBridge forwarding). The stream is not in order: a few
 * neighbours are swapped (within the default 5 min lateness) and a few events
 * arrive late, hundreds of events (well over 5 min of event time) after their
 * place, as from a poller that retries a page. Hostile events sit inside
 * multi-event records too: another vendor's record, a bare JSON string, a
 * truncated NDJSON line, the generator's malformed LogEvents; and now and
 * then an empty page.
 *
 * The oracle (`outcomesOf`) reads a record's bytes with the test's own
 * JSON.parse and the documented rules only: which events a record holds
 * (one JSON value; else one per non-blank line; an array is one event per
 * element), which of them are dead letters and with which reason code
 * (docs/dead-letter.md, docs/sources.md), and the `_id` of the others, by the
 * formula of docs/sources/okta.md written out here with node:crypto. It
 * imports nothing from Sift's decode, normalize or id code, so a defect there
 * cannot hide in the expectation.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../../src/generate/index.js';

/** docs/sources/okta.md: `_id = base64url(sha256("okta.system\n" + uuid))[0:27]`. */
export function expectedOktaId(uuid: string): string {
  return createHash('sha256').update(`okta.system\n${uuid}`, 'utf8').digest('base64url').slice(0, 27);
}

/** One event of a record that must be indexed, by its position in the record. */
export interface ExpectedDoc {
  readonly index: number;
  readonly id: string;
}

/** A dead letter the record must produce: `index` undefined when the whole record is refused. */
export interface ExpectedDead {
  readonly index: number | undefined;
  readonly code: string;
}

export interface Outcomes {
  readonly docs: readonly ExpectedDoc[];
  readonly dead: readonly ExpectedDead[];
}

// RFC 3339 date-time as Okta writes `published`; the generator writes either this or plain words.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const LOG_EVENT_KEYS = ['eventType', 'uuid', 'published', 'actor'];

function eventOutcome(value: unknown, index: number, docs: ExpectedDoc[], dead: ExpectedDead[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    dead.push({ index, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    return;
  }
  const v = value as Record<string, unknown>;
  // docs/sources/okta.md: none of a LogEvent's identifying members → another vendor's record.
  if (!LOG_EVENT_KEYS.some((k) => Object.hasOwn(v, k))) dead.push({ index, code: 'SIFT_DECODE_UNKNOWN_SOURCE' });
  else if (v['published'] === undefined) dead.push({ index, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
  else if (typeof v['published'] !== 'string' || !RFC3339.test(v['published']) || Number.isNaN(Date.parse(v['published']))) dead.push({ index, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
  // docs/sources/okta.md: a LogEvent names its eventType; without one it is not a shape Okta documents.
  else if (typeof v['eventType'] !== 'string') dead.push({ index, code: 'SIFT_DECODE_UNKNOWN_SOURCE' });
  else if (typeof v['uuid'] === 'string') docs.push({ index, id: expectedOktaId(v['uuid']) });
  // The raw-bytes fallback id is not modelled: the workloads never make such an event.
  else throw new Error(`workload oracle: a valid LogEvent without uuid at event ${index}`);
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Where each event of one record must end up (see the header). */
export function outcomesOf(bytes: string | Buffer): Outcomes {
  const docs: ExpectedDoc[] = [];
  const dead: ExpectedDead[] = [];
  const raw = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  if (raw.length === 0) return { docs, dead: [{ index: undefined, code: 'SIFT_DECODE_EMPTY' }] };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { docs, dead: [{ index: undefined, code: 'SIFT_DECODE_NOT_UTF8' }] };
  }
  const whole = parse(text);
  if (whole.ok) {
    // docs/dead-letter.md: a valid record that holds no event (an empty page) is dead-lettered whole.
    if (Array.isArray(whole.value) && whole.value.length === 0) return { docs, dead: [{ index: undefined, code: 'SIFT_DECODE_NO_EVENTS' }] };
    const events = Array.isArray(whole.value) ? whole.value : [whole.value];
    events.forEach((e, i) => eventOutcome(e, i, docs, dead));
    return { docs, dead };
  }
  if (!text.includes('\n')) return { docs, dead: [{ index: undefined, code: 'SIFT_DECODE_NOT_JSON' }] };
  // NDJSON: every non-blank line is one event, numbered from 0; a bad line fails alone.
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error('workload oracle: a record of blank lines only is not modelled');
  lines.forEach((line, i) => {
    const one = parse(line);
    if (!one.ok) dead.push({ index: i, code: 'SIFT_DECODE_NOT_JSON' });
    else if (Array.isArray(one.value)) throw new Error(`workload oracle: an array on NDJSON line ${i} is not modelled`);
    else eventOutcome(one.value, i, docs, dead);
  });
  return { docs, dead };
}

export const Shape = { single: 'single', page: 'page', ndjson: 'ndjson' } as const;
export type Shape = (typeof Shape)[keyof typeof Shape];

export interface PackedRecord {
  readonly value: string;
  readonly shape: Shape;
}

/** What the packing made, for the figures and for tests that must see each kind. */
export interface PackFigures {
  records: number;
  events: number;
  singles: number;
  pages: number;
  ndjson: number;
  /** Events moved hundreds of places back: late beyond the default lateness. */
  late: number;
  /** Events swapped with the next one: out of order within the lateness. */
  swapped: number;
  /** Hostile events added inside multi-event records (beyond the generator's own bad records). */
  hostile: number;
  /** Empty pages (`[]`, what the API returns when nothing happened), forwarded as they came. */
  empty: number;
}

/** Places a late event moves back by: at 0.5–4.5 s of event time per event, about 16 min on one partition of three. */
const LATE_BY = 400;
/** Another vendor's record (a CloudTrail event) and a bare string, as a misrouted shipper could put in a page. */
const HOSTILE_ELEMENTS: readonly unknown[] = [
  { eventVersion: '1.08', eventID: '3b1d6d2f-0c7e-4a58-9d0b-5e2f0c1a9e11', eventTime: '2026-04-01T00:00:00Z', eventName: 'ConsoleLogin' },
  'okta system log heartbeat',
];
const HOSTILE_LINES: readonly string[] = ['{"eventType":"user.session.start","uuid":"cut-off-mid-line', JSON.stringify(HOSTILE_ELEMENTS[0])];

/**
 * The generator's records (one LogEvent text each, some malformed) reordered
 * and packed into single records, API pages and NDJSON records. Deterministic
 * for a seed. A malformed text that cannot be an array element (not JSON) is
 * sent alone before its page; an empty one, which NDJSON would read as a
 * blank line and not as an event, is always sent alone.
 */
export function packOkta(values: readonly string[], seed: number): { records: PackedRecord[]; figures: PackFigures } {
  const random = seededRandom(seed);
  const figures: PackFigures = { records: 0, events: 0, singles: 0, pages: 0, ndjson: 0, late: 0, swapped: 0, hostile: 0, empty: 0 };
  const keyed = values.map((value, i) => {
    let key = i;
    if (random() < 0.004 && i + LATE_BY < values.length) {
      key += LATE_BY + 0.5;
      figures.late++;
    } else if (random() < 0.04) {
      key += 1.5;
      figures.swapped++;
    }
    return { value, key };
  });
  const stream = keyed.sort((a, b) => a.key - b.key).map((k) => k.value);
  const records: PackedRecord[] = [];
  const alone = (value: string): void => {
    records.push({ value, shape: Shape.single });
  };
  let at = 0;
  while (at < stream.length) {
    if (random() < 0.003) {
      records.push({ value: '[]', shape: Shape.page });
      figures.empty++;
    }
    const roll = random();
    if (roll < 0.6) {
      alone(stream[at++] as string);
      continue;
    }
    // Mostly small pages; now and then a full default page of 100 (bigger than a fault test's 64 KiB fetch).
    const size = random() < 0.03 ? 100 : 2 + Math.floor(random() * 11);
    const chunk = stream.slice(at, at + size);
    at += chunk.length;
    if (roll < 0.8) {
      const elements: unknown[] = [];
      for (const text of chunk) {
        const parsed = parse(text);
        if (parsed.ok) elements.push(parsed.value);
        else alone(text);
      }
      if (random() < 0.15) {
        elements.splice(Math.floor(random() * (elements.length + 1)), 0, HOSTILE_ELEMENTS[Math.floor(random() * HOSTILE_ELEMENTS.length)]);
        figures.hostile++;
      }
      records.push({ value: JSON.stringify(elements), shape: Shape.page });
    } else {
      const lines: string[] = [];
      for (const text of chunk) {
        if (text.trim() === '') alone(text);
        else lines.push(text);
      }
      if (random() < 0.15) {
        lines.splice(Math.floor(random() * (lines.length + 1)), 0, HOSTILE_LINES[Math.floor(random() * HOSTILE_LINES.length)] as string);
        figures.hostile++;
      }
      // Exports end the last line with a newline or not; both are NDJSON. (A record of blank lines only is not made.)
      if (lines.length > 0) records.push({ value: lines.join('\n') + (random() < 0.5 ? '\n' : ''), shape: Shape.ndjson });
    }
  }
  for (const r of records) {
    figures.records++;
    if (r.shape === Shape.single) figures.singles++;
    else if (r.shape === Shape.page) figures.pages++;
    else figures.ndjson++;
  }
  figures.events = values.length + figures.hostile;
  return { records, figures };
}

/**
 * A dead letter told apart without knowing where its record landed: the
 * record's bytes (a digest), the event index (`-` for the whole record) and
 * the reason code. For tests that produce through the default partitioner.
 */
export function letterKey(original: Buffer, index: number | undefined, code: string): string {
  return `${createHash('sha256').update(original).digest('hex').slice(0, 16)}/${index ?? '-'}/${code}`;
}

/** The letterKey of every dead letter the records must produce (a multiset: one entry per dead letter). */
export function expectedLetters(values: readonly (string | Buffer)[]): string[] {
  return values.flatMap((v) => {
    const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    return outcomesOf(bytes).dead.map((d) => letterKey(bytes, d.index, d.code));
  });
}

/** The letterKey of a DLQ record's value (docs/dead-letter.md's format). */
export function letterKeyOf(dlqValue: string): string {
  const v = JSON.parse(dlqValue) as { reason: { code: string }; original_base64: string | null; event_index?: number };
  return letterKey(Buffer.from(v.original_base64 ?? '', 'base64'), v.event_index, v.reason.code);
}
