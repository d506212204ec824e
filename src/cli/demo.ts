import type { Kafka } from 'kafkajs';
import { loadConfig } from '../config/index.js';
import { indexAlias } from '../ecs/index.js';
import { generateOkta, produceRecords } from '../generate/index.js';
import { createEsClient, createKafka, ensureTopics, groupPositions } from '../ingest/index.js';
import { createPipeline } from '../pipeline/index.js';
import { describeError } from '../shared/index.js';
import { createLogger, createMetrics } from '../telemetry/index.js';
import { intFlag, numberFlag, parse } from './args.js';
import { alertSummary } from './demo-summary.js';
import { runStackScript } from './stack.js';

export const DEMO_HELP = `Usage: sift demo [--count <n>] [--rate <n>] [--seed <n>] [--no-stack]

The main job on the built-in defaults, end to end: brings the local stack up,
creates the topics, produces realistic Okta System Log traffic (with brute
force, privilege grants, MFA resets and a few malformed records), runs the
pipeline with live progress, and prints a summary and queries to try.

Options:
  --count <n>    records to generate (default: 20000)
  --rate <n>     records per second, 0 = as fast as possible (default: 0)
  --seed <n>     generator seed (default: run-specific)
  --no-stack     do not run 'sift stack up' first
  -h, --help     show this help`;

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Sum over partitions of (end offset − committed offset) for the group. */
async function remaining(kafka: Kafka, group: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let left = 0;
    for (const p of await groupPositions(admin, group, topic)) left += Number(p.high - (p.committed ?? p.low));
    return left;
  } finally {
    await admin.disconnect();
  }
}

export async function demoCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, {
    count: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    'no-stack': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(DEMO_HELP);
    return 0;
  }
  const count = intFlag(values.count, 'count', 20_000, 1);
  const rate = numberFlag(values.rate, 'rate', 0);
  const seed = intFlag(values.seed, 'seed', Date.now() % 1_000_000);
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);

  out('Sift demo: Okta System Log → Kafka → Sift → Elasticsearch');
  if (!values['no-stack']) {
    out('· starting the local stack (Kafka 127.0.0.1:9092, Elasticsearch 127.0.0.1:9200)…');
    const code = await runStackScript(['up']);
    if (code !== 0) {
      out('✗ the local stack did not start; see the messages above (and `sift stack logs`).');
      return 1;
    }
  }

  // The embedded default config, exactly what `sift run` uses with no file.
  const config = loadConfig(undefined);
  const topic = config.kafka.topics[0]?.name ?? 'sift.raw.okta';
  // Pipeline logs go to stderr at warn level, so the progress line stays readable.
  const log = createLogger({ level: 'warn', format: 'json', destination: process.stderr });
  const kafka = createKafka(config.kafka, log, '-demo');
  // The pipeline creates the dead-letter topic itself (with a larger message size).
  out(`· creating topic ${topic}`);
  await ensureTopics(kafka, [{ name: topic, partitions: config.kafka.topic_partitions }]);

  const pipeline = createPipeline({ config, log, metrics: createMetrics() });
  out('· starting the pipeline (sift run, default config)');
  await pipeline.start();

  const started = Date.now();
  let produced = 0;
  const badRatio = 0.001;
  out(`· generating ${fmt(count)} Okta events (seed ${seed}, ~${badRatio * 100}% malformed on purpose)`);
  const producing = produceRecords({
    kafka,
    topic,
    rate,
    records: generateOkta({ count, seed, start: new Date(Date.now() - count * 2500), badRatio }),
    onProgress: (n) => (produced = n),
  });

  const tty = process.stdout.isTTY === true;
  let lastConsumed = 0;
  let lastAt = Date.now();
  const rates: number[] = [];
  const progress = (): void => {
    const s = pipeline.stats;
    const now = Date.now();
    const r = ((s.consumed - lastConsumed) * 1000) / Math.max(1, now - lastAt);
    if (s.consumed > lastConsumed) rates.push(r);
    lastConsumed = s.consumed;
    lastAt = now;
    const line = `  produced ${fmt(produced)}/${fmt(count)} · consumed ${fmt(s.consumed)} · indexed ${fmt(s.indexed)} · errors ${fmt(s.deadLettered)} · ${fmt(Math.round(r))} events/s`;
    if (tty) process.stdout.write(`\r\x1b[2K${line}`);
    else out(line);
  };
  const timer = setInterval(progress, tty ? 250 : 1000);

  let ok = true;
  try {
    await producing;
    const deadline = Date.now() + 180_000;
    // A fresh broker answers NOT_COORDINATOR for a while: that is "not yet".
    const left = (): Promise<number> => remaining(kafka, config.kafka.group_id, topic).catch(() => Number.POSITIVE_INFINITY);
    while ((await left()) > 0) {
      if (Date.now() > deadline) throw new Error('the pipeline did not catch up within 180 s');
      await Promise.race([new Promise((r) => setTimeout(r, 300)), pipeline.fatal.then((e) => Promise.reject(e))]);
    }
  } catch (err) {
    ok = false;
    out(`\n✗ ${describeError(err)}`);
  } finally {
    clearInterval(timer);
    progress();
    if (tty) out();
  }
  const elapsed = (Date.now() - started) / 1000;
  await pipeline.stop();
  if (!ok) return 1;

  const es = createEsClient(config.elasticsearch);
  const alias = indexAlias('okta.system', config.elasticsearch.namespace);
  await es.indices.refresh({ index: alias });
  const total = (await es.count({ index: alias })).count;
  const failures = await es.search({
    index: alias,
    size: 0,
    query: { bool: { filter: [{ term: { 'event.action': 'user.session.start' } }, { term: { 'event.outcome': 'failure' } }] } },
    aggs: { by_ip: { terms: { field: 'source.ip', size: 3 } } },
  });
  const grants = await es.count({ index: alias, query: { terms: { 'event.action': ['user.account.privilege.grant', 'user.mfa.factor.reset_all', 'security.threat.detected'] } } });
  const alertsIndex = `${config.alerts.index_prefix}-${config.elasticsearch.namespace}`;
  await es.indices.refresh({ index: alertsIndex }).catch(() => undefined);
  // Only as context, labelled: the index also holds earlier runs' alerts.
  const alertsInIndex = await es
    .count({ index: alertsIndex })
    .then((r) => r.count)
    .catch(() => undefined);
  await es.close();

  const s = pipeline.stats;
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted.length > 0 ? (sorted[Math.floor(sorted.length / 2)] as number) : 0;
  const codes = Object.entries(s.byCode).map(([c, n]) => `${c} ×${n}`).join(', ');
  out('');
  out('Summary');
  out(`  produced        ${fmt(produced)} records to ${topic}`);
  out(`  consumed        ${fmt(s.consumed)} records in ${fmt(s.batches)} batches, offsets committed`);
  out(`  indexed         ${fmt(s.indexed)} events into ${alias} (${fmt(total)} documents in the index now)`);
  out(`  dead-lettered   ${fmt(s.deadLettered)} records to ${config.kafka.dlq_topic}${codes ? ` (${codes})` : ''}`);
  out(`  throughput      median ${fmt(Math.round(median))} events/s; ${elapsed.toFixed(1)} s from first record to last commit`);
  const buckets = (failures.aggregations?.['by_ip'] as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? [];
  out('  worth a look    ' + (buckets.length > 0 ? `failed sign-ins by source.ip: ${buckets.map((b) => `${b.key} ×${b.doc_count}`).join(', ')}` : 'no failed sign-ins'));
  out(`                  ${fmt(grants.count)} privilege grants, MFA resets and threat detections`);
  for (const line of alertSummary(s, pipeline.rules, alertsIndex, alertsInIndex)) out(line);
  out('');
  out('Try these:');
  out(`  curl -s 'http://127.0.0.1:9200/${alias}/_search?pretty&size=3&q=event.outcome:failure'`);
  out(
    `  curl -s -H 'content-type: application/json' 'http://127.0.0.1:9200/${alias}/_search?pretty' -d '{"size":0,"query":{"term":{"event.action":"user.session.start"}},"aggs":{"by_outcome":{"terms":{"field":"event.outcome"}},"top_failing_ips":{"filter":{"term":{"event.outcome":"failure"}},"aggs":{"ip":{"terms":{"field":"source.ip","size":5}}}}}}'`,
  );
  out(`  curl -s 'http://127.0.0.1:9200/${alertsIndex}/_search?pretty&size=1&sort=@timestamp:desc'`);
  out('  Stop the stack with: make stack-down   (or: bin/sift.js stack down)');
  return 0;
}
