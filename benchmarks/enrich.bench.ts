import { fileURLToPath } from 'node:url';
import { CORPUS_VENDORS, vendorRecords } from '../src/conformance/index.js';
import { generateOkta } from '../src/generate/index.js';
import { createGeoIp, openGeoIp, publicAddress, type GeoIp, type GeoIpDatabases, type RawRecord } from '../src/ingest/index.js';
import { planSource, prepareBatch } from '../src/pipeline/index.js';
import { comparePair, median, time, type PairResult } from './harness.js';

/**
 * GeoIP/ASN enrichment cost (`enrich.geoip`, docs/enrichment.md), three ways:
 * - `enrich.geoip.prepare`: the hot path (decode + normalize + enrich +
 *   serialize) with enrichment on, next to the same path with it off, over
 *   generated Okta traffic and every corpus record (addresses repeat, as in
 *   real audit logs, so most lookups hit the memo);
 * - `enrich.geoip.cold`: one lookup of an address never seen before (memo
 *   miss: MMDB tree walk + record decode + ASN binary search), next to a bare
 *   JSON.parse + JSON.stringify of a 1 KB event;
 * - the start cost: opening the shipped databases, and the heap they hold.
 */
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const BATCH = 1000;
const COLD = 20_000;

export interface EnrichCost {
  pairs: PairResult[];
  /** Opening the shipped databases (median of 3), ms. */
  load_ms: number;
  /** Heap + external memory they hold, MiB. */
  memory_mib: number;
}

function toRecords(texts: readonly string[]): RawRecord[] {
  return texts.map((text, i) => ({ topic: 'bench', partition: 0, offset: String(i), timestamp: '0', key: null, value: Buffer.from(text) }));
}

/** Deterministic public IPv4 addresses (xorshift), special-purpose ones skipped. */
function publicAddresses(n: number, seed: number): string[] {
  const out: string[] = [];
  let x = seed >>> 0 || 1;
  while (out.length < n) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const v = x >>> 0;
    const ip = `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
    if (publicAddress(ip)) out.push(ip);
  }
  return out;
}

function open(): GeoIpDatabases {
  const o = openGeoIp({ cityDatabase: '', asnDatabase: '' });
  if (!o.ok) throw new Error(`cannot open the shipped GeoIP databases: ${JSON.stringify(o.issues)}`);
  return o.databases;
}

export function benchEnrich(): EnrichCost {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let databases: GeoIpDatabases = open();
  const after = process.memoryUsage();
  // `external` includes the file buffers (arrayBuffers is a part of it, not an addition).
  const memory_mib = Math.round((after.heapUsed + after.external - before.heapUsed - before.external) / 2 ** 20);
  const load_ms = Math.round(median([0, 1, 2].map(() => time(() => (databases = open())))) / 1000);
  const geoip: GeoIp = createGeoIp(databases);

  const sources = [{ vendor: 'okta', records: toRecords([...generateOkta({ count: 10_000, seed: 5, start: new Date('2026-01-01T00:00:00Z') })]) }];
  for (const vendor of Object.keys(CORPUS_VENDORS)) sources.push({ vendor, records: toRecords(vendorRecords(CORPUS, vendor)) });
  const plans = sources.map((s) => ({ plan: planSource(s.vendor, 'default'), records: s.records }));
  const base = { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false };
  const withGeo = { ...base, geoip };
  const prep = (opts: typeof base): number => {
    let n = 0;
    for (const p of plans) if (p.plan) for (let i = 0; i < p.records.length; i += BATCH) n += prepareBatch(p.records.slice(i, i + BATCH), p.plan, opts).docs.length;
    return n;
  };
  const events = prep(base);
  let sink = 0;
  const hot = comparePair('enrich.geoip.prepare', events, { name: 'prepare, enrichment on', run: () => void (sink += prep(withGeo)) }, { name: 'prepare, enrichment off', run: () => void (sink += prep(base)) });

  // A fresh memo per round and addresses never asked before: every lookup misses.
  const rounds = publicAddresses(COLD * 20, 0x5eed);
  let round = 0;
  const event = JSON.stringify({ uuid: 'x'.repeat(36), published: '2026-01-01T00:00:00.000Z', eventType: 'user.session.start', actor: { id: 'a', alternateId: 'a@example.com', displayName: 'A B' }, client: { ipAddress: '8.8.8.8', userAgent: { rawUserAgent: 'Mozilla/5.0 '.repeat(20) } }, outcome: { result: 'SUCCESS' }, debugContext: { debugData: { requestUri: '/api/v1/authn', url: '/api/v1/authn?'.padEnd(600, 'x') } } });
  const cold = comparePair(
    'enrich.geoip.cold',
    COLD,
    {
      name: 'lookup of a new address',
      run: () => {
        const fresh = createGeoIp(databases);
        const start = (round++ % 20) * COLD;
        for (let i = start; i < start + COLD; i++) if (fresh.lookup(rounds[i] as string)) sink++;
      },
    },
    { name: 'JSON.parse+stringify of a 1 KB event', run: () => void (sink += Array.from({ length: COLD }, () => JSON.stringify(JSON.parse(event)).length).length) },
  );
  if (sink === 0) throw new Error('unreachable');
  return { pairs: [hot, cold], load_ms, memory_mib };
}
