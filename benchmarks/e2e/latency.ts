import type { Client } from '@elastic/elasticsearch';
import { Partitioners, type Kafka } from 'kafkajs';
import { metric, percentiles, sleep, startSift, stopChild, until, type Percentiles } from '../live.js';
import { startFeed } from './feed.js';
import { joinedBoth, scrape, siftRunConfig, type SiftTopics } from './sift-config.js';
import { trafficPool } from './traffic.js';

/**
 * Latency under load (issue 15, item 3): `sift run` (its defaults: keyed
 * mode, the shipped rules, 1 s refresh) fed Okta traffic at a steady rate,
 * ten probe events a second among it. A probe is an admin privilege grant,
 * which the shipped rule okta.admin-role-granted alerts on by itself.
 *   produce → alert: until this process reads the probe's alert from Sift's
 *     alerts topic (written before the batch commits; what notifiers read).
 *   produce → searchable: until a search of Sift's index finds the probe's
 *     document (polled every 50 ms).
 * The first WARMUP_S seconds carry no probes.
 */
export interface LatencyProbe {
  rate_per_s: number;
  seconds: number;
  probes: number;
  alert_ms: Percentiles;
  searchable_ms: Percentiles;
  /** Probes whose alert or document never showed within the drain time. */
  missing: { alert: number; searchable: number };
  /** Sift's consumer lag (records) when the feed stopped: well above zero means Sift fell behind the rate, and latency is queueing. */
  lag_at_end: number | null;
}

export interface LatencyContext {
  kafka: Kafka;
  es: Client;
  runId: string;
  dir: string;
  topics: SiftTopics & { raw: string };
  say: (s: string) => void;
}

const RULE = 'okta.admin-role-granted';
const PROBE_FIELD = 'okta.debug_context.debug_data.privilegeGranted';
const PROBE_EVERY_MS = 100;
const WARMUP_S = 5;
const DRAIN_MS = 15_000;
const SEARCH_POLL_MS = 50;

/** The probe id of an alerts-topic record of the probe rule (src/alerts/sinks/kafka.ts writes { update?, doc }). */
export function probeOfAlert(value: Buffer | string | null): string | undefined {
  if (value === null) return undefined;
  try {
    const r = JSON.parse(value.toString()) as { update?: unknown; doc?: { rule?: { id?: unknown }; sift?: { alert?: { fields?: Record<string, unknown> } } } };
    if (r.update === true || r.doc?.rule?.id !== RULE) return undefined;
    const id = r.doc.sift?.alert?.fields?.[PROBE_FIELD];
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export async function probeLatency(c: LatencyContext, rate: number, seconds: number): Promise<LatencyProbe> {
  const group = `bench-e2e-${c.runId}-latency`;
  const namespace = `e2e${c.runId}latency`;
  const alias = `logs-okta.system-${namespace}`;
  const produced = new Map<string, number>();
  const alerted = new Map<string, number>();
  const searchable = new Map<string, number>();
  const reader = c.kafka.consumer({ groupId: `${group}-reader`, maxWaitTimeInMs: 20 });
  const producer = c.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const child = startSift({
    name: 'latency',
    dir: c.dir,
    config: siftRunConfig({ topic: c.topics.raw, group, namespace, topics: c.topics }),
  });
  let searching = true;
  try {
    await reader.connect();
    await reader.subscribe({ topic: c.topics.alerts, fromBeginning: true });
    await reader.run({
      eachBatch: async ({ batch }) => {
        const read = Date.now();
        for (const m of batch.messages) {
          const id = probeOfAlert(m.value);
          if (id !== undefined && !alerted.has(id)) alerted.set(id, read);
        }
      },
    });
    await producer.connect();
    await until(() => joinedBoth(child.output()) || child.proc.exitCode !== null, 90_000, 'sift run to join its groups');
    if (child.proc.exitCode !== null) throw new Error(`sift run exited (${child.proc.exitCode}):\n${child.output().slice(-3000)}`);
    c.say(`latency: ${Math.round(rate)} events/s for ${WARMUP_S} s warm-up + ${seconds} s with a probe every ${PROBE_EVERY_MS} ms`);
    const pool = trafficPool(20_000, 7);
    let probing = false;
    const feed = startFeed({ producer, topic: c.topics.raw, rate, pool, runId: c.runId, probeEveryMs: PROBE_EVERY_MS, onProbe: (id, at) => probing && produced.set(id, at) });
    const searcher = (async () => {
      while (searching) {
        const open = [...produced.keys()].filter((id) => !searchable.has(id));
        if (open.length > 0) {
          const res = await c.es.search<{ event?: { id?: string } }>({ index: alias, size: open.length, _source: ['event.id'], query: { terms: { 'event.id': open } }, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
          const now = Date.now();
          for (const hit of res?.hits.hits ?? []) {
            const id = hit._source?.event?.id;
            if (id !== undefined && !searchable.has(id)) searchable.set(id, now);
          }
        }
        await sleep(SEARCH_POLL_MS);
      }
    })();
    await sleep(WARMUP_S * 1000);
    probing = true;
    await sleep(seconds * 1000);
    probing = false;
    const text = await scrape(child.port());
    const lagAtEnd = text === undefined ? null : metric(text, 'sift_ingest_consumer_lag_records');
    await feed.stop();
    const drainEnd = Date.now() + DRAIN_MS;
    while (Date.now() < drainEnd && (alerted.size < produced.size || searchable.size < produced.size)) await sleep(200);
    searching = false;
    await searcher;
    const diffs = (seen: Map<string, number>): number[] => [...produced].flatMap(([id, at]) => (seen.has(id) ? [(seen.get(id) as number) - at] : []));
    const inWindow = (seen: Map<string, number>): number => [...produced.keys()].filter((id) => seen.has(id)).length;
    return {
      rate_per_s: Math.round(rate),
      seconds,
      probes: produced.size,
      alert_ms: percentiles(diffs(alerted)),
      searchable_ms: percentiles(diffs(searchable)),
      missing: { alert: produced.size - inWindow(alerted), searchable: produced.size - inWindow(searchable) },
      lag_at_end: lagAtEnd,
    };
  } finally {
    searching = false;
    await reader.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await stopChild(child.proc, child.exited);
    await c.es.indices.delete({ index: `${alias}*,sift-alerts-${namespace}`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  }
}
