import { knownVendors } from '../ecs/index.js';
import type { GeoIp, RawRecord } from '../ingest/index.js';
import { planSource, prepareBatch, type SourcePlan } from '../pipeline/index.js';
import { compareDocument, IGNORED } from './compare.js';
import type { CorpusCase } from './corpus.js';

export interface Tally {
  expected: number;
  matched: number;
  ratio: number;
  documents: number;
}

export interface Mismatch {
  file: string;
  document: number;
  dataset: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

/** A field count with its ratio. */
export interface Score {
  expected: number;
  matched: number;
  ratio: number;
}

/**
 * GeoIP/ASN fields Elastic's documents carry that are nowhere in the input,
 * scored apart from the main ratio: Elastic's tests use MaxMind's test
 * databases, Sift another database, so the same address can land in another
 * city (or, for MaxMind's made-up test ranges, another country or AS).
 * `by_kind` says where the two agree: country, region, city, location, AS
 * number, AS organization.
 */
export interface EnrichmentScore extends Score {
  by_kind: Record<string, Score>;
  databases: { city: string; asn: string } | null;
  note: string;
}

export interface ConformanceReport {
  overall: Score;
  by_dataset: Record<string, Tally>;
  enrichment: EnrichmentScore;
  ignored: readonly string[];
  unsupported: { file: string; reason: string }[];
  mismatches: Mismatch[];
}

/** Which Sift source reads a package's data stream: `aws/cloudtrail` → aws_cloudtrail, `okta/system` → okta. */
export function sourceForCase(pkg: string, dataStream: string): string | undefined {
  const vendors = new Set(knownVendors());
  if (vendors.has(`${pkg}_${dataStream}`)) return `${pkg}_${dataStream}`;
  if (vendors.has(pkg)) return pkg;
  return undefined;
}

/** What an enrichment field says: `source.geo.country_name` → country, `client.as.number` → as_number. */
function enrichmentKind(path: string): string {
  const m = /\.(geo|as)\.(.+)$/.exec(path);
  const leaf = m?.[2] ?? path;
  if (m?.[1] === 'as') return leaf === 'number' ? 'as_number' : 'as_organization';
  if (leaf === 'country_iso_code' || leaf === 'country_name' || leaf === 'continent_name') return 'country';
  if (leaf.startsWith('region_')) return 'region';
  if (leaf.startsWith('location')) return 'location';
  return leaf === 'city_name' ? 'city' : 'other';
}

/** Kafka record timestamp of the simulated delivery (2024-01-01T00:00:00Z). */
const RECEIVED_AT = '1704067200000';

const ratio = (m: number, e: number): number => (e === 0 ? 1 : Math.round((m / e) * 10_000) / 10_000);

function datasetOf(doc: Record<string, unknown>, c: CorpusCase): string {
  const ev = doc['event'] as { dataset?: unknown } | undefined;
  const ds = doc['data_stream'] as { dataset?: unknown } | undefined;
  if (typeof ev?.dataset === 'string') return ev.dataset;
  if (typeof ds?.dataset === 'string') return ds.dataset;
  return `${c.pkg}.${c.dataStream}`;
}

function originalOf(doc: Record<string, unknown>): string | undefined {
  const original = (doc['event'] as { original?: unknown } | undefined)?.original;
  return typeof original === 'string' ? original : undefined;
}

/**
 * Runs every record of every case through Sift (decode → explode → normalize
 * → serialize, exactly the hot path) and compares each expected document with
 * the document Sift made from the same record. Expected documents are paired
 * with records by `event.original` where Elastic kept it, else by position;
 * within one record (several events), in order.
 */
export function runConformance(cases: readonly CorpusCase[], maxMismatches = 50, geoip?: GeoIp): ConformanceReport {
  const byDataset: Record<string, Tally> = {};
  const enrichment = { expected: 0, matched: 0 };
  const byKind: Record<string, Score> = {};
  const mismatches: Mismatch[] = [];
  const unsupported: { file: string; reason: string }[] = [];
  const plans = new Map<string, SourcePlan | undefined>();

  for (const c of cases) {
    const vendor = sourceForCase(c.pkg, c.dataStream);
    if (vendor !== undefined && !plans.has(vendor)) plans.set(vendor, planSource(vendor, 'conformance'));
    const plan = vendor === undefined ? undefined : plans.get(vendor);

    // Sift's documents per record.
    const produced: Record<string, unknown>[][] = c.records.map(() => []);
    const dead: string[][] = c.records.map(() => []);
    if (plan) {
      // As if delivered through Kafka: every record has a (fixed) record timestamp.
      const records: RawRecord[] = c.records.map((text, i) => ({ topic: 'conformance', partition: 0, offset: String(i), timestamp: RECEIVED_AT, key: null, value: Buffer.from(text) }));
      const out = prepareBatch(records, plan, { limits: { maxBytes: 16 * 1024 * 1024, maxDepth: 200 }, keepOriginal: true, ...(geoip ? { geoip } : {}) });
      out.docs.forEach((d, i) => {
        const at = Number(out.origins[i]?.record.offset);
        produced[at]?.push(JSON.parse(d.source) as Record<string, unknown>);
      });
      for (const d of out.dead) dead[Number(d.record.offset)]?.push(`${d.code}: ${d.message}`);
    } else {
      unsupported.push({ file: c.name, reason: `no Sift source for ${c.pkg}/${c.dataStream}` });
    }

    // Pair expected documents with records.
    // Identical lines can repeat in a test input: each expected document
    // takes the next record with its original, in order.
    const byOriginal = new Map<string, number[]>();
    c.records.forEach((r, i) => {
      const list = byOriginal.get(r) ?? [];
      list.push(i);
      byOriginal.set(r, list);
    });
    const taken = c.records.map(() => 0);
    c.expected.forEach((doc, docIndex) => {
      const original = originalOf(doc);
      const candidates = original === undefined ? undefined : byOriginal.get(original);
      let recordIndex = candidates && candidates.length > 1 ? candidates.shift() : candidates?.[0];
      if (recordIndex === undefined) recordIndex = Math.min(docIndex, c.records.length - 1);
      const slot = taken[recordIndex] ?? 0;
      taken[recordIndex] = slot + 1;
      const ours = produced[recordIndex]?.[slot];
      const input = c.records[recordIndex] ?? '';
      const dataset = datasetOf(doc, c);
      const tally = (byDataset[dataset] ??= { expected: 0, matched: 0, ratio: 0, documents: 0 });
      tally.documents++;
      for (const f of compareDocument(doc, ours, input)) {
        if (f.verdict === 'ignored') continue;
        if (f.verdict === 'enrichment') {
          const kind = (byKind[enrichmentKind(f.path)] ??= { expected: 0, matched: 0, ratio: 0 });
          enrichment.expected++;
          kind.expected++;
          if (f.matched) {
            enrichment.matched++;
            kind.matched++;
          }
          continue;
        }
        tally.expected++;
        if (f.matched) tally.matched++;
        else if (mismatches.length < maxMismatches) {
          const why = ours === undefined ? { actual: `(no document: ${dead[recordIndex]?.join('; ') || 'none produced'})` } : { actual: f.actual };
          mismatches.push({ file: c.name, document: docIndex, dataset, field: f.path, expected: f.expected, ...why });
        }
      }
    });
  }

  let expected = 0;
  let matched = 0;
  for (const t of Object.values(byDataset)) {
    t.ratio = ratio(t.matched, t.expected);
    expected += t.expected;
    matched += t.matched;
  }
  return {
    overall: { expected, matched, ratio: ratio(matched, expected) },
    by_dataset: Object.fromEntries(Object.entries(byDataset).sort(([a], [b]) => (a < b ? -1 : 1))),
    enrichment: {
      ...enrichment,
      ratio: ratio(enrichment.matched, enrichment.expected),
      by_kind: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, t]) => [k, { ...t, ratio: ratio(t.matched, t.expected) }])),
      databases: geoip ? geoip.describe : null,
      note: "geo/as values absent from the input, which Elastic's tests take from MaxMind's GeoIP2 test databases; Sift's database differs (docs/enrichment.md); not in the overall ratio",
    },
    ignored: IGNORED,
    unsupported,
    mismatches,
  };
}
