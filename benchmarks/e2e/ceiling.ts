import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionTypes, Partitioners, type Kafka } from 'kafkajs';
import { loadConfig } from '../../src/config/index.js';
import { sendChunked, type RawRecord } from '../../src/ingest/index.js';
import { planSource, prepareBatch, type Prepared } from '../../src/pipeline/index.js';
import { prepareOptionsOf } from '../../src/pipeline/pipeline.js';
import { oktaRecords } from './setup.js';
import { siftRunConfig, type SiftTopics } from './sift-config.js';

/**
 * The ceiling contender's input, made before any clock starts: the bench's
 * Okta records put through Sift's own prepare step (decode, normalize,
 * user-agent and GeoIP enrichment, serialize, deterministic `_id`) with the
 * options `sift run` derives from the config the Sift contender gets, in
 * batches of 1,000 as a fetch delivers them, and each document's source
 * produced to its own topic with its `_id` as the record key. The bare loader
 * run on that topic with --id-from-key then makes Elasticsearch do for these
 * documents what it does for `sift run`, with no Sift running.
 */
const BATCH = 1000;
const SOURCE = 'okta';

export interface CeilingInput {
  /** Documents produced: one per record (anything else throws). */
  docs: number;
  /** Sum of the documents' UTF-8 sizes. */
  bytes: number;
  /** Sum of the raw records' sizes, for comparison. */
  rawBytes: number;
  seconds: number;
}

export interface CeilingSetup {
  kafka: Kafka;
  /** The 3-partition topic the ceiling rounds consume. */
  topic: string;
  events: number;
  /** Where the config file goes (the one a `sift run` of this bench would read). */
  dir: string;
  siftTopics: SiftTopics;
  say: (s: string) => void;
}

/** A batch of generated records as a fetch would hand them over, stamped with the produce time (as Kafka's CreateTime is). */
function asRecords(values: readonly string[], from: number, timestamp: string): RawRecord[] {
  return values.map((v, i) => ({ topic: 'bench', partition: 0, offset: String(from + i), timestamp, key: null, value: Buffer.from(v) }));
}

/**
 * A prepared batch as the ceiling topic's messages: each document's source
 * keyed by its `_id`. The finish line is one document per record, the same as
 * Sift's, so a record that does not make exactly one throws: it would leave
 * the ceiling short of the line (or past it).
 */
export function ceilingMessages(prepared: Prepared, records: number): { key: string; value: string }[] {
  const dead = prepared.dead[0];
  if (dead !== undefined) throw new Error(`Sift's prepare refused a bench record (${dead.code}: ${dead.message})`);
  if (prepared.docs.length !== records) throw new Error(`Sift's prepare made ${prepared.docs.length} documents of ${records} records`);
  return prepared.docs.map((d) => ({ key: d.id, value: d.source }));
}

export async function produceCeilingInput(o: CeilingSetup): Promise<CeilingInput> {
  const started = performance.now();
  // Not a round's config (no round has started): the one every Sift round is given, less its group and namespace, so the prepare options are those `sift run` would take from it.
  const file = join(o.dir, 'sift-ceiling-prepare.json');
  writeFileSync(file, JSON.stringify(siftRunConfig({ topic: o.topic, group: 'bench-e2e-ceiling-prepare', namespace: 'ceiling', topics: o.siftTopics })));
  const opts = prepareOptionsOf(loadConfig(file));
  const plan = planSource(SOURCE, 'ceiling');
  if (!plan) throw new Error(`no source plan for ${SOURCE}`);
  const producer = o.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const ids = new Set<string>();
  let docs = 0;
  let bytes = 0;
  let rawBytes = 0;
  let values: string[] = [];
  let reported = 0;
  const flush = async (): Promise<void> => {
    if (values.length === 0) return;
    const messages = ceilingMessages(prepareBatch(asRecords(values, docs, String(Date.now())), plan, opts), values.length);
    for (const m of messages) {
      ids.add(m.key);
      bytes += Buffer.byteLength(m.value);
    }
    // Cut to the topic's limit (broker default 1 MiB: 1,000 documents are ~2.8 MB), uncompressed so the loader decompresses nothing.
    await sendChunked(producer, o.topic, messages, { partitions: 3, compression: CompressionTypes.None });
    docs += messages.length;
    values = [];
    if (docs - reported >= 50_000 || docs === o.events) {
      reported = docs;
      o.say(`ceiling: prepared and produced ${docs.toLocaleString('en-US')} of ${o.events.toLocaleString('en-US')} Sift documents`);
    }
  };
  try {
    for (const v of oktaRecords(o.events)) {
      values.push(v);
      rawBytes += Buffer.byteLength(v);
      if (values.length >= BATCH) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  // Two records with one _id would be one document: the count would never reach the finish line.
  if (ids.size !== docs) throw new Error(`the bench's records make ${docs - ids.size} duplicate _ids: the ceiling's count would stop short`);
  return { docs, bytes, rawBytes, seconds: (performance.now() - started) / 1000 };
}
