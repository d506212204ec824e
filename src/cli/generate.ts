import { loadConfig } from '../config/index.js';
import { GENERATOR_SOURCES, generateOkta, produceRecords, type GeneratorSource } from '../generate/index.js';
import { createKafka, ensureTopics } from '../ingest/index.js';
import { intFlag, numberFlag, parse, UsageError } from './args.js';
import { loggerFor } from './run.js';

export const GENERATE_HELP = `Usage: sift generate [options]

Produce realistic vendor audit events (with a few suspicious patterns) to Kafka,
or print them as NDJSON.

Options:
  --source <name>     vendor to generate: ${Object.keys(GENERATOR_SOURCES).join(', ')} (default: okta)
  --count <n>         number of records (default: 1000)
  --rate <n>          records per second, 0 = as fast as possible (default: 0)
  --seed <n>          PRNG seed; the same seed and --start give the same records (default: 1)
  --start <iso>       timestamp of the first event (default: now minus the span of the traffic)
  --bad <ratio>       fraction of deliberately malformed records, to exercise the DLQ (default: 0)
  --no-attacks        only ordinary activity: none of the planted suspicious patterns
  --topic <name>      target topic (default: the source's raw topic, e.g. sift.raw.okta)
  --stdout            print NDJSON instead of producing to Kafka
  -c, --config <file> config file, for the brokers (env SIFT_KAFKA_BROKERS works too)
  -h, --help          show this help`;

export async function generateCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, {
    source: { type: 'string' },
    count: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
    bad: { type: 'string' },
    'no-attacks': { type: 'boolean' },
    topic: { type: 'string' },
    stdout: { type: 'boolean' },
    config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(GENERATE_HELP);
    return 0;
  }
  const source = (values.source ?? 'okta') as GeneratorSource;
  if (!Object.hasOwn(GENERATOR_SOURCES, source)) throw new UsageError(`--source: unknown source ${JSON.stringify(source)} (known: ${Object.keys(GENERATOR_SOURCES).join(', ')})`);
  const count = intFlag(values.count, 'count', 1000);
  const rate = numberFlag(values.rate, 'rate', 0);
  const seed = intFlag(values.seed, 'seed', 1);
  const badRatio = numberFlag(values.bad, 'bad', 0);
  // Default start: the traffic ends around now (≈2.5 s of event time per record).
  const start = values.start ? new Date(values.start) : new Date(Date.now() - count * 2500);
  if (Number.isNaN(start.getTime())) throw new UsageError(`--start must be an ISO timestamp, got ${JSON.stringify(values.start)}`);
  const records = generateOkta({ count, seed, start, badRatio, attacks: values['no-attacks'] !== true });

  if (values.stdout) {
    // A closed pipe (`| head`) is a normal way to stop reading, not an error.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
    for (const r of records) {
      if (!process.stdout.write(`${r}\n`)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
    return 0;
  }
  const config = loadConfig(values.config);
  const log = loggerFor(config);
  const topic = values.topic ?? GENERATOR_SOURCES[source].topic;
  const kafka = createKafka(config.kafka, log, '-generator');
  await ensureTopics(kafka, [{ name: topic, partitions: config.kafka.topic_partitions }]);
  const sent = await produceRecords({ kafka, topic, records, rate });
  log.info({ topic, sent, seed }, 'Generated records.');
  return 0;
}
