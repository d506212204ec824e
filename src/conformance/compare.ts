import { leafPaths } from '../ecs/index.js';

/**
 * Fields Elastic's test runner or ingest pipeline adds that say nothing about
 * the mapping of the vendor event, and are therefore not compared:
 * - `event.ingested`: ingest time, set by the pipeline from the clock;
 * - `ecs.version`, `tags`, `data_stream.*`: package and Fleet bookkeeping
 *   (`tags: [preserve_original_event]` is a test-config switch);
 * - `event.created`, when its value appears nowhere in the input: the tests
 *   pin it in their config (CloudTrail's is 2021-11-11T01:02:03.123456789Z).
 */
export const IGNORED = ['event.ingested', 'ecs.version', 'tags', 'data_stream.*', 'event.created (when not in the input)'] as const;

export type FieldVerdict = 'ignored' | 'enrichment' | 'counted';

const GEO_OR_AS = /(^|\.)(geo|as)\./;

function valueAppearsIn(value: unknown, text: string): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.every((v) => text.includes(typeof v === 'string' ? v : JSON.stringify(v)));
}

/** How a field of an expected document is treated. `input` is the raw record text. */
export function classifyField(path: string, value: unknown, input: string): FieldVerdict {
  if (path === 'event.ingested' || path === 'ecs.version' || path === 'tags' || path.startsWith('data_stream.')) return 'ignored';
  if (path === 'event.created' && !valueAppearsIn(value, input)) return 'ignored';
  // Geo/AS data that is nowhere in the input came from Elastic's GeoIP test
  // databases: reported apart, out of the ratio. Vendor-sent geo counts.
  if (GEO_OR_AS.test(path) && !valueAppearsIn(value, input)) return 'enrichment';
  return 'counted';
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** A canonical string for comparing leaf values: numbers and timestamps normalized. */
export function canonical(v: unknown): string {
  if (typeof v === 'number') return `n:${v}`;
  if (typeof v === 'string') {
    if (NUMERIC.test(v) && v.length < 16) return `n:${Number(v)}`;
    if (ISO_DATE.test(v)) {
      const ms = Date.parse(v);
      if (!Number.isNaN(ms)) return `t:${ms}`;
    }
    return `s:${v}`;
  }
  if (Array.isArray(v)) return `a:[${v.map(canonical).sort().join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `o:{${entries.map(([k, x]) => `${k}=${canonical(x)}`).join(',')}}`;
  }
  return `${typeof v}:${String(v)}`;
}

/** Arrays compare as sets; a one-element array equals its element (ES does not tell them apart). */
export function sameValue(expected: unknown, actual: unknown): boolean {
  if (actual === undefined) return false;
  const e = Array.isArray(expected) ? expected : [expected];
  const a = Array.isArray(actual) ? actual : [actual];
  const setE = new Set(e.map(canonical));
  const setA = new Set(a.map(canonical));
  if (setE.size !== setA.size) return false;
  for (const x of setE) if (!setA.has(x)) return false;
  return true;
}

export interface FieldResult {
  readonly path: string;
  readonly verdict: FieldVerdict;
  readonly matched: boolean;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** Compares one expected document with what Sift produced for the same event (or nothing). */
export function compareDocument(expected: Record<string, unknown>, actual: Record<string, unknown> | undefined, input: string): FieldResult[] {
  const ours = actual ? leafPaths(actual) : new Map<string, unknown>();
  const out: FieldResult[] = [];
  for (const [path, value] of leafPaths(expected)) {
    if (value === null) continue;
    const verdict = classifyField(path, value, input);
    const got = ours.get(path);
    out.push({ path, verdict, matched: sameValue(value, got), expected: value, actual: got });
  }
  return out;
}
