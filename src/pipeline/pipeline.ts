import { Partitioners, type Producer } from 'kafkajs';
import type { SiftConfig } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import { fieldsOf, firstBackingIndex, knownVendors } from '../ecs/index.js';
import {
  createEsClient,
  createIndexer,
  esProblem,
  createKafka,
  createKafkaSource,
  createMessageLimits,
  createStateCheckpoint,
  installDatasetTemplate,
  opsIndexName,
  ensureTopics,
  waitForCluster,
  retryWhileSettling,
  waitForKafka,
  topicPartitions,
  type BatchDone,
  type BulkStream,
  type RawBatch,
  type KafkaSource,
  type TopicSpec,
} from '../ingest/index.js';
import { join } from 'node:path';
import {
  alertsIndexName,
  createAlertDeadLetterWriter,
  ALERT_AVRO_SCHEMA_TEXT,
  createAlertAvroCodec,
  createAlertTopicWriter,
  createDispatcher,
  encodeAlertJson,
  parseAlertRecord,
  valueSubject,
  type AlertCodec,
  createNotifier,
  createRoutes,
  ensureAlertsIndex,
  createSuppressionStore,
  retryPolicy,
  type Notifier,
} from '../alerts/index.js';
import { eventTime, parseDuration, type Detection } from '../rules/index.js';
import { ErrorCode, SiftError, Stage, describeError, failpoint, packageRoot, yieldTurn } from '../shared/index.js';
import { startTelemetryServer, type Logger, type Metrics, type TelemetryServer } from '../telemetry/index.js';
import { createDeadLetterSink, type DeadLetter } from './dead-letter.js';
import { createAlertStage } from './alerting.js';
import { createDetectionStage, loadInitialRules, type DetectionStage } from './detect.js';
import { createNewTermsSeeder } from './new-terms-seed.js';
import { checkCoPartitioned, createKeyedWriter, drainKeyed, keyedPartitionOf, keyedTopology, readKeyed, type KeyedMessage } from './keyed.js';
import { createSourceTracker, emptySources } from './keyed-markers.js';
import {
  createRegistryClient,
  createSchemaCache,
  decodeAvroRecord,
  planSource,
  prepareBatch,
  type DocOrigin,
  type PrepareOptions,
  type RegistryClient,
  type SchemaCache,
  type SourcePlan,
} from '../ingest/index.js';
import { geoIpOf } from './geoip.js';
import { countAlerts, emptyStats, type PipelineStats } from './stats.js';
import { staticChecks } from './preflight.js';
import { opsDocs } from './ops.js';
import { createOpsWriter, type OpsWriter } from './ops-writer.js';

export interface PipelineDeps {
  config: SiftConfig;
  log: Logger;
  metrics: Metrics;
}

export interface Pipeline {
  readonly stats: PipelineStats;
  /** Detection rules running (0 before start, or with rules disabled). */
  readonly rules: number;
  /** Port of the telemetry server, when it runs. */
  readonly httpPort: number | undefined;
  /**
   * Connects, installs templates, starts consuming. Resolves once consuming has
   * begun; rejects early when `signal` aborts (a SIGTERM during startup).
   */
  start(signal?: AbortSignal): Promise<void>;
  /** Graceful stop: stop fetch → drain (deadline) → commit → disconnect. */
  stop(): Promise<{ drained: boolean }>;
  /** Resolves with the error that stopped consumption (401, TLS, …), if any. */
  readonly fatal: Promise<Error>;
}

/** Turns each configured topic into its source plan, or a config error naming the field. */
export function planTopics(config: SiftConfig): Map<string, SourcePlan> {
  const plans = new Map<string, SourcePlan>();
  const issues = config.kafka.topics.flatMap((t, i) => {
    const plan = planSource(t.source, config.elasticsearch.namespace);
    if (!plan) {
      return [{ path: `kafka.topics[${i}].source`, message: `unknown source ${JSON.stringify(t.source)} (known: ${knownVendors().join(', ')})` }];
    }
    if (plans.has(t.name)) return [{ path: `kafka.topics[${i}].name`, message: `topic ${t.name} is listed twice` }];
    plans.set(t.name, plan);
    return [];
  });
  if (issues.length > 0) throw new ConfigError('configuration', issues);
  return plans;
}

/** The schema registry client, when avro is used anywhere (preflight has checked the URL is set). */
function registryOf(config: SiftConfig): RegistryClient | undefined {
  const r = config.kafka.schema_registry;
  const used = config.alerts.kafka.format === 'avro' || config.kafka.topics.some((t) => t.format === 'avro');
  if (!used || r.url === '') return undefined;
  return createRegistryClient({ url: r.url, username: r.username, password: r.password, timeoutMs: r.timeout_ms });
}

/** URLs can carry credentials (https://user:pass@host); never log them. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = 'redacted';
      u.password = '';
    }
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** What prepare needs from the config: decode limits, event.original, the future bound, the GeoIP databases (loaded here, once). */
export function prepareOptionsOf(config: SiftConfig): PrepareOptions {
  const geoip = geoIpOf(config);
  return {
    limits: { maxBytes: config.pipeline.max_record_bytes, maxDepth: config.pipeline.max_depth },
    keepOriginal: config.pipeline.keep_original,
    maxFutureSkewMs: parseDuration(config.rules.max_future_skew) ?? 5 * 60_000,
    ...(geoip ? { geoip } : {}),
  };
}

// A record too large for its topic would fail the same way on every refetch: stop and say so (sendChunked).
const isFatal = (err: unknown): boolean =>
  err instanceof SiftError && (err.code === ErrorCode.IndexUnauthorized || err.code === ErrorCode.IndexRejected || err.code === ErrorCode.KafkaMessageTooLarge);

/**
 * max.message.bytes of the topics Sift creates and writes: every send is cut
 * into chunks under the topic's limit anyway (sendChunked); this is room for
 * one large record (an alert citing big events, a window holding many).
 */
const TOPIC_MESSAGE_BYTES = String(8 * 1024 * 1024);

/** The source's check that a batch's partition is still this member's (see BatchHandler). */
type Owned = () => Promise<void>;

/**
 * Records prepared at a time within a batch, with a turn of the event loop
 * between slices (yieldTurn). Small enough that a slice's events die young
 * and that the slices of every partition in flight, run back to back in one
 * turn of the loop, stay short: at full speed (2 cores, 200,000 Okta records,
 * two runs each) event-loop lag p99 was 454/509 ms with no turns, 71/73 ms
 * with 128-record slices, 45/49 with 64, 37/41 with 32, for the same CPU.
 */
const SLICE_RECORDS = 32;

/** What a detect-stage fetch waits for, up to rules.keyed_fetch_wait_ms: about a thousand keyed records. */
const DETECT_FETCH_MIN_BYTES = 1024 * 1024;

/**
 * Where a document came from, without its event (detection is done with it
 * by the time the bulk is answered); `time` is its event time (epoch ms, NaN
 * when unusable or when the ops index is off), for the ingest lag (ops.ts).
 */
type DocTrace = Omit<DocOrigin, 'event'> & { readonly time: number };

/**
 * `target.push(...items)` without spreading: one 2 MiB record can hold
 * hundreds of thousands of events (or dead letters), past the argument
 * limit of a call.
 */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** What a batch's slices leave for its delivery. */
interface Written {
  /** `traces[i]`: the i-th document added to the batch's bulk stream. */
  readonly traces: DocTrace[];
  readonly dead: DeadLetter[];
  readonly detections: Detection[];
  /** Keyed mode: the re-keyed events to write, encoded slice by slice. */
  readonly keyed: KeyedMessage[];
}

/** The composition root of `sift run`: the only place components are built. */
export function createPipeline({ config, log, metrics }: PipelineDeps): Pipeline {
  const plans = planTopics(config);
  const registry = registryOf(config);
  // Avro topics decode with writer schemas fetched by id (docs/avro.md); the
  // batch's ids are resolved before its records are prepared.
  const avroTopics = new Set(config.kafka.topics.filter((t) => t.format === 'avro').map((t) => t.name));
  const schemas: SchemaCache | undefined =
    registry && avroTopics.size > 0
      ? createSchemaCache({
          client: registry,
          limits: { maxBytes: config.pipeline.max_record_bytes, maxDepth: config.pipeline.max_depth },
          log,
          metrics,
          retryInitialMs: config.kafka.schema_registry.retry_initial_ms,
          retryMaxMs: config.kafka.schema_registry.retry_max_ms,
        })
      : undefined;
  if (schemas) {
    for (const name of avroTopics) {
      const plan = plans.get(name);
      if (plan) plans.set(name, { ...plan, decode: (bytes, limits) => decodeAvroRecord(bytes, limits, schemas) });
    }
  }
  // JSON until start has registered the Avro schema (alerts.kafka.format avro).
  let alertCodec: AlertCodec = { encode: encodeAlertJson, decode: parseAlertRecord };
  const stats = emptyStats();
  const es = createEsClient(config.elasticsearch);
  const kafka = createKafka(config.kafka, log);
  // Idempotent, acks=all, retried without limit: a dead letter is only as safe
  // as its write, and the batch's offsets wait for it.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 30_000 },
  });
  // Each written topic's max.message.bytes, learned at start: every writer cuts its sends to fit.
  const limits = createMessageLimits();
  const dlq = createDeadLetterSink(producer, config.kafka.dlq_topic, limits);
  const indexer = createIndexer({
    client: es,
    metrics,
    log,
    bulkMaxBytes: config.elasticsearch.bulk_max_bytes,
    bulkMaxDocs: config.elasticsearch.bulk_max_docs,
    retryInitialMs: config.elasticsearch.retry_initial_ms,
    retryMaxMs: config.elasticsearch.retry_max_ms,
    // Each dataset's index is created on its first document (docs/operations.md "Indices").
    aliases: new Map(
      [...plans.values()].flatMap((p) => [...p.targets].map(([dataset, t]) => [t.alias, firstBackingIndex(dataset, config.elasticsearch.namespace)] as const)),
    ),
  });
  const opsWriter: OpsWriter | undefined = config.elasticsearch.ops_index.enabled
    ? createOpsWriter({ client: es, index: opsIndexName(config.elasticsearch.ops_index.prefix, config.elasticsearch.namespace), log, metrics })
    : undefined;
  const prepareOptions = prepareOptionsOf(config);
  if (prepareOptions.geoip) log.info(prepareOptions.geoip.describe, 'GeoIP databases loaded.');
  let resolveFatal: (err: Error) => void = () => undefined;
  const fatal = new Promise<Error>((resolve) => (resolveFatal = resolve));
  let fatalSeen = false;
  let setupDone = false;
  let server: TelemetryServer | undefined;
  let source: KafkaSource | undefined;
  /** Keyed mode's detect stage: consumes the keyed topic. */
  let detectSource: KafkaSource | undefined;
  let detection: DetectionStage | undefined;
  const keyedMode = config.rules.enabled && config.rules.stateful === 'keyed';
  const topology = keyedTopology(config.kafka.group_id, config.rules.keyed_topic);
  const keyedWriter = createKeyedWriter(producer, topology.topic, metrics, limits);
  /** Keyed partitions this instance's detect stage owns now. */
  let detectOwned = new Set<number>();
  /** Keyed partition → the offset after the last keyed record its detect stage took (applied, or waiting in the reorder). */
  const detectRead = new Map<number, bigint>();
  // Keyed mode's event-time reorder (docs/keyed-order.md): the ingest stage
  // tells every keyed partition how far each source partition has come.
  const reorderOn = keyedMode && config.rules.keyed_reorder.enabled;
  const sourcesSeen = createSourceTracker(config.rules.keyed_reorder.idle_ms);
  let heartbeat: NodeJS.Timeout | undefined;
  const keyedPartitionCount = (): number => limits.partitionsOf(topology.topic) ?? config.rules.keyed_partitions;
  const rulesDir = config.rules.dir || join(packageRoot(), 'rules');
  const alertsIndex = alertsIndexName(config.alerts.index_prefix, config.elasticsearch.namespace);
  const links = { namespace: config.elasticsearch.namespace, ...(config.alerts.kibana_url ? { kibanaUrl: config.alerts.kibana_url } : {}) };
  // sift run has made these checks (and the DNS ones) in preflight before building the pipeline; this
  // repeats the static part for callers that did not (demo, tests), through the same function.
  const { issues: configIssues, dispatch } = staticChecks(config);
  if (configIssues.length > 0) throw new ConfigError('configuration', configIssues);
  const alertDeadLetter = createAlertDeadLetterWriter(producer, config.alerts.dlq_topic, limits);
  const alertStage = createAlertStage({
    indexer,
    index: alertsIndex,
    topic: createAlertTopicWriter(producer, config.alerts.topic, limits, (r) => alertCodec.encode(r)),
    deadLetter: alertDeadLetter,
    links,
    log,
    metrics,
    onRaised: (alerts) => countAlerts(stats, alerts),
  });
  let notifier: Notifier | undefined;
  const onFatal = (err: unknown): void => {
    if (fatalSeen) return;
    fatalSeen = true;
    void explainFatal(err).then(resolveFatal);
  };
  /** A refused bulk request said in the config's words (which credential, which privilege), as at start. */
  async function explainFatal(err: unknown): Promise<Error> {
    if (err instanceof SiftError && err.code === ErrorCode.IndexUnauthorized) {
      const problem = await esProblem(config.elasticsearch, err.cause).catch(() => undefined);
      if (problem) return new SiftError(problem.code, problem.message, { stage: Stage.Index, cause: err });
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  async function handle(batch: RawBatch, signal: AbortSignal, owned: Owned): Promise<void> {
    const plan = plans.get(batch.topic);
    if (!plan) throw new SiftError(ErrorCode.DecodeUnknownSource, `no source configured for topic ${batch.topic}`, { stage: Stage.Decode });
    const vendor = plan.source.vendor;
    const n = batch.records.length;
    metrics.consumed.inc({ source: vendor }, n);
    const bytes = batch.records.reduce((sum, r) => sum + (r.value?.length ?? 0), 0);
    metrics.inFlightBytes.inc(bytes);
    try {
      await processBatch(batch, plan, signal, owned);
    } finally {
      metrics.inFlightBytes.dec(bytes);
    }
  }

  /**
   * A batch is prepared, detected on and written slice by slice: each slice's
   * events are garbage once its documents are in the bulk body (scavenged
   * young, never promoted with the whole batch), and a full bulk request goes
   * out while the next slice is prepared. Nothing is acknowledged, alerted,
   * checkpointed or committed before every slice is indexed or dead-lettered.
   */
  async function processBatch(batch: RawBatch, plan: SourcePlan, signal: AbortSignal, owned: Owned): Promise<void> {
    const scope = `${batch.topic}/${batch.partition}`;
    const bulk = indexer.open(signal);
    const written: Written = { traces: [], dead: [], detections: [], keyed: [] };
    const local = detection && !keyedMode ? detection : undefined;
    const marking = reorderOn && detection !== undefined;
    let progress = -Infinity;
    if (marking) sourcesSeen.begin(scope);
    try {
      // Avro: every schema id the batch names is known (or known missing) before decode; waits while the registry is down.
      if (schemas && avroTopics.has(batch.topic)) await schemas.resolve(batch.records, signal);
      for (let from = 0; from < batch.records.length; from += SLICE_RECORDS) {
        // A turn for the event loop between slices (yieldTurn says why).
        if (from > 0) await yieldTurn();
        const prepared = prepareBatch(batch.records.slice(from, from + SLICE_RECORDS), plan, prepareOptions);
        if (detection && keyedMode) {
          // Stateless here: the windows are the detect stage's.
          const routed = detection.route(scope, prepared);
          append(written.detections, routed.detections);
          keyedWriter.encode(routed.keyed, written.keyed);
          progress = routed.progress;
        } else if (local) {
          append(written.detections, await local.evaluate(scope, prepared));
        }
        append(written.dead, prepared.dead);
        for (const o of prepared.origins) {
          // The normalizer's @timestamp, read by arithmetic (no re-parse of the document).
          const time = opsWriter ? eventTime(o.event) : Number.NaN;
          written.traces.push({ record: o.record, dataset: o.dataset, eventIndex: o.eventIndex, future: o.future, time });
        }
        await bulk.add(prepared.docs);
      }
      const lastOffset = batch.records.at(-1)?.offset;
      const caughtUp = batch.highWatermark !== undefined && lastOffset !== undefined && BigInt(lastOffset) + 1n >= BigInt(batch.highWatermark);
      // After the batch's events in each keyed partition: how far this source has come.
      if (marking) keyedWriter.mark([{ source: scope, watermark: progress, idle: false }], keyedPartitionCount(), written.keyed);
      await deliverBatch(batch, bulk, written, scope, signal, owned);
      if (marking) sourcesSeen.end(scope, progress, caughtUp, Date.now());
    } catch (err) {
      if (marking) sourcesSeen.abort(scope);
      // Its events are in the in-memory windows but neither alerted nor checkpointed.
      local?.invalidate(scope);
      throw err;
    }
  }

  /**
   * Keyed mode's idle markers (keyed-markers.ts), every idle_ms / 2: sources
   * never batched are checked with Kafka first; the idle ones are named in
   * one marker record per keyed partition. A failure is retried at the next tick.
   */
  let beating = false;
  let beatFailing = false;
  async function beat(final = false): Promise<void> {
    if (beating && !final) return;
    beating = true;
    try {
      const unchecked = sourcesSeen.unchecked();
      if (unchecked.length > 0) {
        const checkedAt = Date.now();
        for (const scope of await emptySources(kafka, config.kafka.group_id, unchecked, config.kafka.from_beginning)) sourcesSeen.markEmpty(scope, checkedAt);
      }
      // At a graceful stop, a source caught up is as good as idle: nothing more will come from this instance.
      const idle = sourcesSeen.idle(final ? Number.POSITIVE_INFINITY : Date.now());
      if (idle.length === 0) return;
      const messages: KeyedMessage[] = [];
      keyedWriter.mark(idle, keyedPartitionCount(), messages);
      await keyedWriter.send(messages);
      if (beatFailing) log.info('Idle markers written again.');
      beatFailing = false;
    } catch (err) {
      // Once per outage, not every tick: while Kafka is down the batches say so too.
      if (!beatFailing) log.warn({ err }, 'Could not write the keyed topic\'s idle markers; retrying every tick.');
      beatFailing = true;
    } finally {
      beating = false;
    }
  }

  /** The raw topics' partitions, for the reorder: a source not heard from yet holds keyed events back. */
  async function expectSources(): Promise<void> {
    if (!reorderOn || !detection) return;
    const counts = await topicPartitions(kafka, [...plans.keys()]);
    detection.expectSources(new Set([...counts].flatMap(([topic, n]) => Array.from({ length: n }, (_, p) => `${topic}/${p}`))));
  }

  /**
   * The detect stage's batch: keyed events → windows → alerts → checkpoint of
   * this keyed partition's windows → (the source commits). A replay after a
   * crash anywhere in between is skipped by source position, and rebuilds
   * the same alert ids.
   */
  async function detectBatch(batch: RawBatch, signal: AbortSignal, owned: Owned): Promise<BatchDone | void> {
    const stage = detection;
    if (!stage) return;
    const scope = `${batch.topic}/${batch.partition}`;
    stage.beginKeyed(scope);
    try {
      const detections: Detection[] = [];
      // Slice by slice with a turn between, like the ingest stage: a keyed fetch
      // holds thousands of records. Evaluation is sequential per record, so the
      // windows end the same as in one call; a failure after some slices
      // invalidates the scope below, as a failure after the alerts does.
      for (let from = 0; from < batch.records.length; from += SLICE_RECORDS) {
        if (from > 0) await yieldTurn();
        const slice = from === 0 && batch.records.length <= SLICE_RECORDS ? batch : { ...batch, records: batch.records.slice(from, from + SLICE_RECORDS) };
        append(detections, await stage.evaluateKeyed(scope, readKeyed(slice, metrics, log)));
      }
      await owned();
      await alertStage.raise(scope, detections, stage.suppression(scope), signal);
      // Only a batch that raised something wrote alerts (with the reorder, many release nothing).
      if (detections.length > 0) failpoint('detect.after-alert-write');
      await owned();
      await stage.persist(scope);
      if (detections.length > 0) failpoint('detect.after-checkpoint');
    } catch (err) {
      stage.invalidate(scope);
      throw err;
    }
    const last = batch.records.at(-1);
    if (last) detectRead.set(batch.partition, BigInt(last.offset) + 1n);
    // Events still waiting in the reorder are not applied: the commit stops before the oldest.
    const oldest = stage.waiting(scope);
    return oldest === undefined ? undefined : { commit: oldest.toString() };
  }

  /** Future-dated events, by dataset, once per batch. */
  function countFuture(traces: readonly DocTrace[]): void {
    let byDataset: Map<string, number> | undefined;
    for (const o of traces) {
      if (!o.future) continue;
      byDataset ??= new Map();
      byDataset.set(o.dataset, (byDataset.get(o.dataset) ?? 0) + 1);
    }
    if (byDataset) for (const [dataset, n] of byDataset) metrics.rulesFuture.inc({ dataset }, n);
  }

  async function deliverBatch(batch: RawBatch, bulk: BulkStream, written: Written, scope: string, signal: AbortSignal, owned: Owned): Promise<void> {
    const { traces, dead, detections, keyed } = written;
    // Keyed records go out while the last bulk is in flight: both are
    // acknowledged before the commit, and a failure of either refetches the
    // batch (whose rewritten keyed records the detect stage skips by source position).
    const keyedWrite = detection && keyedMode ? keyedWriter.send(keyed) : undefined;
    keyedWrite?.catch(() => undefined); // awaited below; never unhandled if the bulk throws first
    const report = await bulk.finish();
    failpoint('ingest.after-index');
    const rejected = new Set<number>();
    // handle() found this topic's plan before the batch got here.
    const vendor = plans.get(batch.topic)?.source.vendor ?? batch.topic;
    for (const r of report.rejected) {
      const origin = traces[r.position];
      if (!origin) continue;
      rejected.add(r.position);
      // Only refusals of the document itself get here (the indexer throws on a refused target and waits out blocks).
      dead.push({ record: origin.record, vendor, dataset: origin.dataset, stage: Stage.Index, code: r.code, message: r.reason, eventIndex: origin.eventIndex });
    }
    // Documents are idempotent by _id; dead letters, alerts on the topic and
    // checkpoints are not: a batch that lost its partition (a stall past the
    // session timeout) leaves them to the new owner, which writes the same.
    await owned();
    await dlq.send(dead);
    if (detection && keyedWrite) {
      // Single-event rules without suppression: nothing to fold, no window.
      await owned();
      await alertStage.raise(scope, detections, createSuppressionStore(), signal);
      await keyedWrite;
      failpoint('ingest.after-keyed-write');
    } else if (detection) {
      // Counted by the stage's onRaised (countAlerts), synchronously: a
      // `stats.alerts += await …` here would read the total before the await and
      // lose the increments of partitions processed concurrently.
      await owned();
      await alertStage.raise(scope, detections, detection.suppression(scope), signal);
      await owned();
      await detection.persist(scope);
    }
    // Only counted once the whole batch is safe: these figures match what a
    // search of ES plus a read of the DLQ would show.
    const indexedBy = new Map<string, number>();
    traces.forEach((o, i) => {
      if (!rejected.has(i)) indexedBy.set(o.dataset, (indexedBy.get(o.dataset) ?? 0) + 1);
    });
    for (const [dataset, count] of indexedBy) metrics.indexed.inc({ dataset }, count);
    countFuture(traces);
    for (const d of dead) {
      // Labels as documented in docs/operations.md: the vendor until index, where the dataset is certain.
      metrics.failed.inc({ dataset: d.stage === Stage.Index && d.dataset !== null ? d.dataset : d.vendor, stage: d.stage, code: d.code });
      stats.byCode[d.code] = (stats.byCode[d.code] ?? 0) + 1;
    }
    if (dead.length > 0) log.warn({ topic: batch.topic, partition: batch.partition, count: dead.length, codes: [...new Set(dead.map((d) => d.code))] }, 'Events sent to the dead-letter topic.');
    stats.consumed += batch.records.length;
    stats.indexed += report.indexed;
    stats.deadLettered += dead.length;
    stats.batches++;
    // Best effort, after the batch is safe, and not awaited: the commit never waits for it (ops-writer.ts).
    const first = batch.records[0];
    if (opsWriter && first) {
      opsWriter.write(opsDocs({ topic: batch.topic, partition: batch.partition, firstOffset: first.offset, now: Date.now(), traces, rejected, dead }));
    }
  }

  return {
    stats,
    get rules() {
      return detection?.rules.length ?? 0;
    },
    get httpPort() {
      return server?.port;
    },
    fatal,
    async start(signal) {
      // Before connecting to anything: a rule file that does not compile stops
      // the start here (SIFT_RULES_INVALID) unless rules.allow_invalid, and
      // either way /readyz and sift_rules_rejected count the rejected files.
      const initialRules = config.rules.enabled
        ? loadInitialRules(rulesDir, log, { regexMaxInputBytes: config.rules.regex_max_input_bytes, lookupPaths: config.rules.lookup_paths, allowInvalid: config.rules.allow_invalid })
        : undefined;
      if (config.telemetry.http_port >= 0) {
        server = await startTelemetryServer(config.telemetry.http_host, config.telemetry.http_port, metrics.registry, {
          live: () => !fatalSeen,
          ready: () => {
            if (fatalSeen) return { ready: false, reason: 'stopped on a fatal error' };
            if (!setupDone) return { ready: false, reason: 'connecting to Kafka and Elasticsearch' };
            if (!source?.consuming) return { ready: false, reason: 'waiting for a partition assignment' };
            return { ready: true, reason: 'consuming' };
          },
          details: () => ({ rejected_rules: detection?.rejected ?? initialRules?.rejected.length ?? 0 }),
        });
        log.info({ port: server.port, host: config.telemetry.http_host }, 'Serving /metrics, /healthz and /readyz.');
      }
      await waitForCluster(
        es,
        60_000,
        signal,
        (elapsedMs, err) => log.warn({ node: redactUrl(config.elasticsearch.node), elapsedMs, err: describeError(err) }, 'Waiting for Elasticsearch.'),
        (err) => esProblem(config.elasticsearch, err),
      );
      signal?.throwIfAborted();
      // Before anything else touches Kafka: an unreachable broker is one warning per retry, then one error naming it.
      await waitForKafka(config.kafka, log, config.kafka.connect_timeout_ms, signal, (attempt, elapsedMs, err) =>
        log.warn({ brokers: config.kafka.brokers, attempt, elapsedMs, err: describeError(err) }, 'Waiting for Kafka.'),
      );
      const datasets = new Set([...plans.values()].flatMap((p) => [...p.targets.keys()]));
      // Templates only: cheap, and a refusal stops Sift before it consumes.
      // The indices themselves wait for their dataset's first document.
      for (const dataset of datasets) {
        await installDatasetTemplate(es, dataset, fieldsOf(dataset) ?? []);
        log.debug({ dataset }, 'Index template installed.');
      }
      log.info({ datasets: datasets.size }, 'Index templates installed.');
      // Best effort: a refusal is logged and the writer tries again later.
      await opsWriter?.ensure();
      if (config.alerts.kafka.format === 'avro' && registry) {
        // Before any alert is written: a registry that refuses Sift's schema stops the start here.
        const subject = valueSubject(config.alerts.topic);
        const id = await registry.register(subject, ALERT_AVRO_SCHEMA_TEXT);
        alertCodec = createAlertAvroCodec(id);
        log.info({ subject, schemaId: id, registry: registry.describe }, 'Alert Avro schema registered.');
      }
      if (initialRules) {
        await ensureAlertsIndex(es, alertsIndex);
        detection = createDetectionStage(
          {
            config: config.rules,
            rulesDir,
            checkpoint: keyedMode
              ? // Co-partitioned: keyed partition p checkpoints to state partition p.
                createStateCheckpoint({ kafka, producer, limits, topic: topology.stateTopic, group: topology.group, log, partitionOf: (scope) => keyedPartitionOf(topology.topic, scope) })
              : createStateCheckpoint({ kafka, producer, limits, topic: config.rules.state_topic, group: config.kafka.group_id, log }),
            log,
            metrics,
            seedNewTerms: createNewTermsSeeder(es, config, log),
          },
          initialRules,
        );
        log.info({ rules: detection.rules.length, rejected: detection.rejected, dir: rulesDir }, 'Detection rules loaded.');
      }
      if (config.kafka.create_topics) {
        // A dead letter carries the whole original record (base64, +33 %), so
        // the DLQ accepts far larger messages than a raw topic would: a record
        // too large to index must still fit in its dead letter. Raw topics
        // take records up to pipeline.max_record_bytes (larger ones are
        // dead-lettered, so they must reach Sift at all).
        const rawBytes = String(Math.max(1024 * 1024, config.pipeline.max_record_bytes + 64 * 1024));
        const topics: TopicSpec[] = [
          ...[...plans.keys()].map((name) => ({ name, partitions: config.kafka.topic_partitions, config: { 'max.message.bytes': rawBytes } })),
          { name: config.kafka.dlq_topic, partitions: config.kafka.topic_partitions, config: { 'max.message.bytes': String(64 * 1024 * 1024) } },
          { name: config.alerts.topic, partitions: config.kafka.topic_partitions, config: { 'max.message.bytes': TOPIC_MESSAGE_BYTES } },
          { name: config.alerts.dlq_topic, partitions: 1, config: { 'max.message.bytes': TOPIC_MESSAGE_BYTES } },
          // Compacted: one record per live window key (and per delivered alert id); closed windows leave tombstones.
          { name: config.rules.state_topic, partitions: config.kafka.topic_partitions, config: { 'cleanup.policy': 'compact', 'max.message.bytes': TOPIC_MESSAGE_BYTES } },
          ...(keyedMode
            ? [
                { name: topology.topic, partitions: config.rules.keyed_partitions, config: { 'max.message.bytes': TOPIC_MESSAGE_BYTES } },
                { name: topology.stateTopic, partitions: config.rules.keyed_partitions, config: { 'cleanup.policy': 'compact', 'max.message.bytes': TOPIC_MESSAGE_BYTES } },
              ]
            : []),
        ];
        const created = await retryWhileSettling('create topics', () => ensureTopics(kafka, topics), log, config.kafka.connect_timeout_ms, signal);
        if (created.length > 0) log.info({ topics: created }, 'Created missing topics.');
      }
      // Whoever created them: a topic made elsewhere may have the broker's 1 MiB.
      const produced = [config.kafka.dlq_topic, config.alerts.topic, config.alerts.dlq_topic, config.rules.state_topic, ...(keyedMode ? [topology.topic, topology.stateTopic] : [])];
      await retryWhileSettling('read topic limits', () => limits.learn(kafka, produced, log), log, config.kafka.connect_timeout_ms, signal);
      signal?.throwIfAborted();
      await producer.connect();
      // What the ingest and detect stages' consumers share.
      const consumerBase = {
        kafka,
        sessionTimeoutMs: config.kafka.session_timeout_ms,
        partitionsConcurrently: config.kafka.partitions_concurrently,
        maxBytesPerPartition: config.kafka.max_bytes_per_partition,
        metrics,
        log,
        isFatal,
        onFatal,
        settleTimeoutMs: config.kafka.connect_timeout_ms,
      };
      source = createKafkaSource({
        ...consumerBase,
        groupId: config.kafka.group_id,
        topics: [...plans.keys()],
        fromBeginning: config.kafka.from_beginning,
        // In keyed mode the windows follow the keyed partitions, not these; the markers follow these.
        onAssign: keyedMode ? (scopes) => sourcesSeen.assign(scopes) : (scopes) => detection?.assign(scopes),
      });
      if (keyedMode) {
        await retryWhileSettling('check keyed partitions', () => checkCoPartitioned(kafka, topology), log, config.kafka.connect_timeout_ms, signal);
        detectSource = createKafkaSource({
          ...consumerBase,
          groupId: topology.group,
          topics: [topology.topic],
          // Every keyed record must be applied: a new detect group starts at the beginning.
          fromBeginning: true,
          // One fetch round covers every keyed partition an instance may own, instead of waves.
          partitionsConcurrently: Math.max(config.kafka.partitions_concurrently, config.rules.keyed_partitions),
          onAssign: (scopes) => {
            detectOwned = new Set([...scopes].flatMap((s) => keyedPartitionOf(topology.topic, s) ?? []));
            detection?.assign(scopes);
            // Partitions added to a raw topic since: each is a source to wait for.
            expectSources().catch((err: unknown) => log.warn({ err }, 'Could not read the raw topics\' partitions; the reorder keeps the sources it knew.'));
          },
          lag: metrics.detectLag,
          // Fewer, larger detect batches at a trickle: each ends with a checkpoint write.
          ...(config.rules.keyed_fetch_wait_ms > 0 ? { fetchFill: { minBytes: DETECT_FETCH_MIN_BYTES, waitMs: config.rules.keyed_fetch_wait_ms } } : {}),
        });
        await retryWhileSettling('read source partitions', expectSources, log, config.kafka.connect_timeout_ms, signal);
        await detectSource.start(detectBatch);
        log.info({ topic: topology.topic, group: topology.group, state: topology.stateTopic }, 'Detect stage consuming the keyed topic.');
      }
      await source.start(handle);
      if (reorderOn) heartbeat = setInterval(() => void beat(), Math.max(25, Math.floor(config.rules.keyed_reorder.idle_ms / 2))).unref();
      // Sink targets were resolved and checked by preflight, before connecting; every request checks again.
      if (dispatch.sinks.length > 0) {
        const dispatcher = createDispatcher({
          routes: createRoutes(dispatch),
          log,
          retry: retryPolicy(dispatch.retry),
          dlq: async (alert, sink, reason, code) => {
            metrics.alertFailures.inc({ sink, reason: code });
            log.error({ alert: alert.id, rule: alert.ruleId, sink, code, reason }, 'Alert sent to the alert dead-letter topic.');
            await alertDeadLetter(alert, sink, reason, code);
          },
          hooks: {
            onDelivered: (sink, alert) => metrics.alerts.inc({ rule: alert.ruleId, severity: alert.severity, sink }),
            onRetry: (sink, reason) => metrics.alertRetries.inc({ sink, reason }),
          },
        });
        notifier = createNotifier({
          kafka,
          topic: config.alerts.topic,
          group: config.kafka.group_id,
          dispatcher,
          ledger: createStateCheckpoint({ kafka, producer, limits, topic: config.rules.state_topic, group: `${config.kafka.group_id}.notify`, log }),
          log,
          metrics,
          sessionTimeoutMs: config.kafka.session_timeout_ms,
          onFatal,
          ledgerTtlMs: parseDuration(config.alerts.ledger_ttl) ?? 7 * 86_400_000,
          parse: (value) => alertCodec.decode(value),
        });
        await notifier.start();
      }
      setupDone = true;
      log.info({ topics: [...plans.keys()], group: config.kafka.group_id }, 'Consuming.');
    },
    async stop() {
      const result = source ? await source.stop(config.pipeline.shutdown_timeout_ms) : { drained: true };
      if (heartbeat) clearInterval(heartbeat);
      // Sources this instance read to their end release what waits for them; the others' events wait for the next start.
      if (reorderOn && setupDone) {
        // Bounded: the producer retries without end while Kafka is down.
        const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.pipeline.shutdown_timeout_ms).unref());
        await Promise.race([beat(true), deadline]);
      }
      // After the ingest stage: its last batches' keyed records are written; what the detect stage does not reach now it reads at the next start.
      if (detectSource) {
        const caughtUp = await drainKeyed(kafka, topology, detectOwned, config.pipeline.shutdown_timeout_ms, (p) => detectRead.get(p)).catch((err: unknown) => {
          log.warn({ err }, 'Could not check the detect stage\'s progress on the keyed topic.');
          return false;
        });
        if (!caughtUp) log.warn({ topic: topology.topic }, 'Stopping before the detect stage caught up; it resumes from its last commit at the next start.');
        const detected = await detectSource.stop(config.pipeline.shutdown_timeout_ms);
        if (!detected.drained || !caughtUp) result.drained = false;
      }
      detection?.close();
      await notifier?.stop(config.pipeline.shutdown_timeout_ms).catch((err: unknown) => log.warn({ err }, 'Notifier did not stop cleanly.'));
      await producer.disconnect().catch(() => undefined);
      // The last batches' health documents, bounded: they are best effort.
      await opsWriter?.flush(Math.min(5_000, config.pipeline.shutdown_timeout_ms));
      await es.close().catch(() => undefined);
      await server?.close();
      return result;
    },
  };
}
