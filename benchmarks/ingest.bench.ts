import { generateOkta } from '../src/generate/index.js';
import type { RawRecord } from '../src/ingest/index.js';
import { planSource, prepareBatch } from '../src/pipeline/index.js';
import { comparePair, type PairResult } from './harness.js';

/**
 * decode + normalize + _id + serialize per Okta event (the hot path up to the
 * bulk body), next to a bare JSON.parse + JSON.stringify of the same bytes.
 * Records go through in batches of 1,000, as Kafka fetches deliver them
 * (kafka.max_bytes_per_partition, 4 MiB ≈ 2,000 Okta events).
 */
const BATCH = 1000;

export function benchIngestOkta(count = 20_000): PairResult {
  const plan = planSource('okta', 'default');
  if (!plan) throw new Error('okta has no plan');
  const records: RawRecord[] = [...generateOkta({ count, seed: 42, start: new Date('2026-01-01T00:00:00Z') })].map((text, i) => ({
    topic: 'sift.raw.okta',
    partition: 0,
    offset: String(i),
    timestamp: '0',
    key: null,
    value: Buffer.from(text),
  }));
  const opts = { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false };
  let sink = 0;
  const result = comparePair(
    'ingest.okta.system',
    count,
    {
      name: 'sift decode+normalize+serialize',
      run: () => {
        for (let i = 0; i < records.length; i += BATCH) {
          const out = prepareBatch(records.slice(i, i + BATCH), plan, opts);
          if (out.dead.length > 0) throw new Error('benchmark input must be clean');
          sink += out.docs.length;
        }
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
  return result;
}
