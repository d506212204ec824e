import { fileURLToPath } from 'node:url';
import { CORPUS_VENDORS, vendorRecords } from '../src/conformance/index.js';
import { generateOkta } from '../src/generate/index.js';
import type { RawRecord } from '../src/ingest/index.js';
import { planSource, prepareBatch } from '../src/pipeline/index.js';
import { comparePair, type PairResult } from './harness.js';

/**
 * decode + normalize + _id + serialize per event (the hot path up to the bulk
 * body), next to a bare JSON.parse + JSON.stringify of the same bytes.
 * Records go through in batches of 1,000, as Kafka fetches deliver them.
 */
const BATCH = 1000;
const TARGET = 20_000;
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

function toRecords(texts: string[]): RawRecord[] {
  return texts.map((text, i) => ({ topic: 'bench', partition: 0, offset: String(i), timestamp: '0', key: null, value: Buffer.from(text) }));
}

export function benchIngest(vendor: string, texts: string[]): PairResult | undefined {
  const plan = planSource(vendor, 'default');
  if (!plan || texts.length === 0) return undefined;
  const opts = { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false };
  // Keep only records that index cleanly, so both sides do the same work.
  const clean = texts.filter((t) => prepareBatch(toRecords([t]), plan, opts).dead.length === 0);
  if (clean.length === 0) return undefined;
  const repeated = Array.from({ length: Math.max(1, Math.ceil(TARGET / clean.length)) }, () => clean).flat().slice(0, TARGET);
  const records = toRecords(repeated);
  const events = prepareBatch(records, plan, opts).docs.length;
  let sink = 0;
  const result = comparePair(
    `ingest.${vendor}`,
    records.length,
    {
      name: 'sift decode+normalize+serialize',
      run: () => {
        for (let i = 0; i < records.length; i += BATCH) sink += prepareBatch(records.slice(i, i + BATCH), plan, opts).docs.length;
      },
    },
    {
      name: 'JSON.parse+JSON.stringify',
      run: () => {
        for (const r of records) sink += JSON.stringify(JSON.parse((r.value as Buffer).toString('utf8'))).length;
      },
    },
  );
  if (sink === 0) throw new Error('unreachable');
  return { ...result, name: `${result.name} (${clean.length} distinct records, ${(events / records.length).toFixed(2)} events/record)` };
}

/** Every source, or only those named (`npm run bench -- --source aws_cloudtrail`). */
export function benchIngestAll(only: readonly string[] = []): PairResult[] {
  const wanted = (v: string): boolean => only.length === 0 || only.includes(v);
  const results: (PairResult | undefined)[] = [];
  if (wanted('okta')) results.push(benchIngest('okta', [...generateOkta({ count: TARGET, seed: 42, start: new Date('2026-01-01T00:00:00Z') })]));
  for (const vendor of Object.keys(CORPUS_VENDORS)) if (vendor !== 'okta' && wanted(vendor)) results.push(benchIngest(vendor, vendorRecords(CORPUS, vendor)));
  return results.filter((r): r is PairResult => r !== undefined);
}
