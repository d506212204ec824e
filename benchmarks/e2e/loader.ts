import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The bare loader of `npm run bench:e2e`: the least work that moves Kafka
 * records into Elasticsearch. kafkajs consumes (eachBatch), each record's
 * value goes into a bulk body exactly as it arrived (no parse, no copy into
 * a string), bulks are cut at Sift's defaults (2,000 documents / 5 MiB), and
 * the batch's offset is committed once its bulks are in. Run as its own
 * process, like the other contenders:
 *
 *   node dist/benchmarks/e2e/loader.js <brokers> <es url> <topic> <group> <index>
 */
const [brokers = '127.0.0.1:9092', esUrl = 'http://127.0.0.1:9200', topic, groupId, index] = process.argv.slice(2);
if (topic === undefined || groupId === undefined || index === undefined) {
  process.stderr.write('usage: loader.js <brokers> <es url> <topic> <group> <index>\n');
  process.exit(2);
}

// Sift's defaults: elasticsearch.bulk_max_docs, bulk_max_bytes, kafka.max_bytes_per_partition, partitions_concurrently.
const MAX_DOCS = 2000;
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
const PARTITIONS_CONCURRENTLY = 3;

const ACTION = Buffer.from('{"index":{}}\n');
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
      const size = ACTION.length + m.value.length + 1;
      if (docs > 0 && (docs >= MAX_DOCS || bytes + size > MAX_BYTES)) {
        await bulk(parts);
        parts = [];
        docs = 0;
        bytes = 0;
      }
      parts.push(ACTION, m.value, NL);
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
