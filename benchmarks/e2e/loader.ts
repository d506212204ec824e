import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { AUTO_ID_ACTION, actionWithId } from './bulk-action.js';

/**
 * The bare loader of `npm run bench:e2e`: the least work that moves Kafka
 * records into Elasticsearch. kafkajs consumes (eachBatch), each record's
 * value goes into a bulk body exactly as it arrived (no parse, no copy into
 * a string), bulks are cut at Sift's defaults (2,000 documents / 5 MiB), and
 * the batch's offset is committed once its bulks are in. Run as its own
 * process, like the other contenders:
 *
 *   node dist/benchmarks/e2e/loader.js <brokers> <es url> <topic> <group> <index> [--id-from-key]
 *
 * With --id-from-key each document is indexed under its record's key as
 * `_id` (the ceiling contender: Sift's documents under Sift's ids, so
 * Elasticsearch does the id lookup it does for `sift run`).
 */
const args = process.argv.slice(2);
const idFromKey = args.includes('--id-from-key');
const [brokers = '127.0.0.1:9092', esUrl = 'http://127.0.0.1:9200', topic, groupId, index] = args.filter((a) => !a.startsWith('--'));
if (topic === undefined || groupId === undefined || index === undefined) {
  process.stderr.write('usage: loader.js <brokers> <es url> <topic> <group> <index> [--id-from-key]\n');
  process.exit(2);
}

// Sift's defaults: elasticsearch.bulk_max_docs, bulk_max_bytes, kafka.max_bytes_per_partition, partitions_concurrently.
const MAX_DOCS = 2000;
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
const PARTITIONS_CONCURRENTLY = 3;

const NL = Buffer.from('\n');

const es = new Client({ node: esUrl });
const kafka = new Kafka({ clientId: 'sift-bench-loader', brokers: brokers.split(','), logLevel: logLevel.ERROR });
const consumer = kafka.consumer({ groupId, maxBytesPerPartition: MAX_BYTES_PER_PARTITION });
let failed = 0;

async function bulk(parts: Buffer[]): Promise<void> {
  // A Buffer body is sent as is: the client serializes only arrays of objects.
  const res = await es.bulk({ index, operations: Buffer.concat(parts) as never });
  if (!res.errors) return;
  for (const item of res.items) {
    const error = item.index?.error;
    if (error === undefined) continue;
    if (failed++ === 0) process.stderr.write(`loader: a document was refused: ${error.type}: ${error.reason ?? ''}\n`);
  }
}

await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
    let parts: Buffer[] = [];
    let docs = 0;
    let bytes = 0;
    for (const m of batch.messages) {
      if (m.value === null) continue;
      if (idFromKey && m.key === null) {
        // An id-less document would be indexed under a fresh id: a count that reaches the finish line for the wrong reason.
        process.stderr.write(`loader: --id-from-key, but the record at ${batch.partition}/${m.offset} has no key\n`);
        process.exit(1);
      }
      const action = idFromKey && m.key !== null ? actionWithId(m.key.toString('utf8')) : AUTO_ID_ACTION;
      const size = action.length + m.value.length + 1;
      if (docs > 0 && (docs >= MAX_DOCS || bytes + size > MAX_BYTES)) {
        await bulk(parts);
        parts = [];
        docs = 0;
        bytes = 0;
      }
      parts.push(action, m.value, NL);
      docs++;
      bytes += size;
    }
    if (docs > 0) await bulk(parts);
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  },
});
process.stderr.write('loader: consuming\n');

const stop = (): void => {
  void consumer.disconnect().finally(() => process.exit(failed > 0 ? 1 : 0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
