import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { collectGc } from './gc.js';

/**
 * Every metric Sift exports is defined here and nowhere else. Labels are
 * bounded: dataset, stage, error code, topic and partition. Never put raw
 * messages, user names or ids in a label.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly consumed: Counter<'source'>;
  readonly indexed: Counter<'dataset'>;
  readonly failed: Counter<'dataset' | 'stage' | 'code'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly bulkDuration: Histogram<'outcome'>;
  readonly bulkRetries: Counter<'reason'>;
  readonly committed: Counter<'topic'>;
  readonly heartbeatFailures: Counter<'kind'>;
  readonly paused: Gauge;
  readonly indexBlocked: Gauge;
  readonly inFlightBytes: Gauge;
  readonly registryPaused: Gauge;
  readonly registryRetries: Counter;
  readonly rulesLoaded: Gauge;
  readonly rulesRejected: Gauge;
  readonly rulesReloads: Counter<'outcome'>;
  readonly rulesDetections: Counter<'rule'>;
  readonly rulesQuarantined: Counter<'rule'>;
  readonly rulesEvicted: Counter<'rule' | 'reason'>;
  readonly rulesLate: Counter<'rule'>;
  readonly rulesFuture: Counter<'dataset'>;
  readonly rulesStateKeys: Gauge<'scope'>;
  readonly rulesEvalDuration: Histogram;
  readonly keyedWritten: Counter<'dataset'>;
  readonly keyedInvalid: Counter<'reason'>;
  readonly keyedStale: Counter<'rule'>;
  readonly detectLag: Gauge<'topic' | 'partition'>;
  readonly keyedMarkers: Counter;
  readonly reorderWaiting: Gauge<'scope'>;
  readonly reorderForced: Counter<'scope'>;
  readonly alerts: Counter<'rule' | 'severity' | 'sink'>;
  readonly alertsSuppressed: Counter;
  readonly alertRetries: Counter<'sink' | 'reason'>;
  readonly alertFailures: Counter<'sink' | 'reason'>;
  readonly alertsPending: Gauge<'sink'>;
  readonly opsFailed: Counter;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: 'sift_' });
    collectGc(registry);
  }
  const registers = [registry];
  return {
    registry,
    consumed: new Counter({
      name: 'sift_ingest_events_consumed_total',
      help: 'Raw records read from Kafka, by the source (vendor) of their topic.',
      labelNames: ['source'],
      registers,
    }),
    indexed: new Counter({
      name: 'sift_ingest_events_indexed_total',
      help: 'ECS documents acknowledged by Elasticsearch, by dataset.',
      labelNames: ['dataset'],
      registers,
    }),
    failed: new Counter({
      name: 'sift_ingest_events_failed_total',
      help: 'Events sent to the dead-letter topic, by dataset (the source vendor before normalization), stage and error code.',
      labelNames: ['dataset', 'stage', 'code'],
      registers,
    }),
    lag: new Gauge({
      name: 'sift_ingest_consumer_lag_records',
      help: 'Records between the last processed offset and the partition high watermark.',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    bulkDuration: new Histogram({
      name: 'sift_index_bulk_duration_seconds',
      help: 'Latency of one bulk request to Elasticsearch.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    bulkRetries: new Counter({
      name: 'sift_index_bulk_retries_total',
      help: 'Bulk items or requests retried, by reason (429, 5xx, unavailable, item, blocked: held by an index or cluster block, malformed: an answer that is not a bulk response).',
      labelNames: ['reason'],
      registers,
    }),
    committed: new Counter({
      name: 'sift_ingest_offsets_committed_total',
      help: 'Offset commits made after a batch was fully indexed or dead-lettered.',
      labelNames: ['topic'],
      registers,
    }),
    heartbeatFailures: new Counter({
      name: 'sift_ingest_heartbeat_failures_total',
      help: 'Consumer heartbeats that failed while a batch was in progress, by kind (kafkajs protocol error type or error class).',
      labelNames: ['kind'],
      registers,
    }),
    paused: new Gauge({
      name: 'sift_ingest_paused',
      help: '1 while Elasticsearch refuses or cannot be reached and consumption waits on retries (no new batches are fetched), else 0.',
      registers,
    }),
    indexBlocked: new Gauge({
      name: 'sift_index_blocked',
      help: '1 while an index or cluster block (index.blocks.write, read_only, read_only_allow_delete after a disk watermark) holds documents: their batch waits, retried, nothing committed; else 0.',
      registers,
    }),
    registryPaused: new Gauge({
      name: 'sift_ingest_registry_paused',
      help: '1 while an Avro topic waits for the schema registry (down, unreachable, 5xx): its batch is retried, nothing dead-lettered or committed; else 0.',
      registers,
    }),
    registryRetries: new Counter({
      name: 'sift_ingest_registry_retries_total',
      help: 'Schema lookups retried because the schema registry could not answer.',
      registers,
    }),
    inFlightBytes: new Gauge({
      name: 'sift_ingest_in_flight_bytes',
      help: 'Raw bytes of batches fetched but not yet committed; bounded by kafka.max_bytes_per_partition × partitions_concurrently.',
      registers,
    }),
    rulesLoaded: new Gauge({ name: 'sift_rules_loaded', help: 'Detection rules compiled and running.', registers }),
    rulesRejected: new Gauge({
      name: 'sift_rules_rejected',
      help: 'Rule files that did not compile at the last load or reload (at start only with rules.allow_invalid; on reload their previous version keeps running).',
      registers,
    }),
    rulesReloads: new Counter({
      name: 'sift_rules_reloads_total',
      help: 'Hot reloads of the rules folder: ok, or partial when some files were rejected (their previous version kept running).',
      labelNames: ['outcome'],
      registers,
    }),
    rulesDetections: new Counter({ name: 'sift_rules_detections_total', help: 'Detections (alerts before suppression), by rule id.', labelNames: ['rule'], registers }),
    rulesQuarantined: new Counter({
      name: 'sift_rules_quarantined_total',
      help: 'Rules disabled because they threw while evaluating, by rule id.',
      labelNames: ['rule'],
      registers,
    }),
    rulesEvicted: new Counter({
      name: 'sift_rules_state_evicted_total',
      help: 'Window keys evicted from stateful rules: cap (LRU beyond rules.max_keys_per_rule) or ttl (expired in event time).',
      labelNames: ['rule', 'reason'],
      registers,
    }),
    rulesLate: new Counter({
      name: 'sift_rules_late_events_total',
      help: 'Events older than the allowed lateness, not counted by a stateful rule (still indexed), by rule id.',
      labelNames: ['rule'],
      registers,
    }),
    rulesFuture: new Counter({
      name: 'sift_rules_future_events_total',
      help: 'Events dated beyond their Kafka record timestamp + rules.max_future_skew: indexed (tagged future_timestamp), seen by single-event rules only, never moving the watermark; by dataset.',
      labelNames: ['dataset'],
      registers,
    }),
    rulesStateKeys: new Gauge({ name: 'sift_rules_state_keys', help: 'Active window keys, by topic/partition.', labelNames: ['scope'], registers }),
    rulesEvalDuration: new Histogram({
      name: 'sift_rules_eval_duration_seconds',
      help: 'Time to evaluate one batch against every rule.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    keyedWritten: new Counter({
      name: 'sift_keyed_records_written_total',
      help: 'Records written to the keyed topic (keyed mode): one per event and distinct group key of the stateful rules that selected it; by dataset.',
      labelNames: ['dataset'],
      registers,
    }),
    keyedInvalid: new Counter({
      name: 'sift_keyed_records_invalid_total',
      help: 'Keyed-topic records the detect stage could not read (not written by Sift, or by an incompatible version), skipped; by reason.',
      labelNames: ['reason'],
      registers,
    }),
    keyedStale: new Counter({
      name: 'sift_keyed_records_stale_total',
      help: 'Keyed events selected by another version of a rule (a hot reload or a rolling deploy in between), not applied; by rule id.',
      labelNames: ['rule'],
      registers,
    }),
    keyedMarkers: new Counter({
      name: 'sift_keyed_markers_written_total',
      help: 'Source markers written to the keyed topic (keyed mode, rules.keyed_reorder): a source partition\'s event-time watermark or idleness, one record per keyed partition.',
      registers,
    }),
    reorderWaiting: new Gauge({
      name: 'sift_keyed_reorder_waiting_events',
      help: 'Keyed events waiting for the slower source partitions to pass their event time before they are applied (rules.keyed_reorder), by keyed partition.',
      labelNames: ['scope'],
      registers,
    }),
    reorderForced: new Counter({
      name: 'sift_keyed_reorder_forced_total',
      help: 'Keyed events applied before every source partition had passed their event time, because rules.keyed_reorder.max_events were waiting; by keyed partition.',
      labelNames: ['scope'],
      registers,
    }),
    detectLag: new Gauge({
      name: 'sift_detect_consumer_lag_records',
      help: 'Keyed-topic records the detect stage has not yet processed, by keyed partition.',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    alerts: new Counter({ name: 'sift_alerts_total', help: 'Alerts delivered, by rule id, severity and sink.', labelNames: ['rule', 'severity', 'sink'], registers }),
    alertsSuppressed: new Counter({ name: 'sift_alerts_suppressed_total', help: 'Repeat detections folded into an open alert by suppression (not paged).', registers }),
    alertRetries: new Counter({ name: 'sift_alerts_retries_total', help: 'Retried deliveries to a sink, by sink and reason code.', labelNames: ['sink', 'reason'], registers }),
    alertFailures: new Counter({
      name: 'sift_alerts_dead_lettered_total',
      help: 'Alerts sent to the alert DLQ, by sink and reason code (retry budget spent, refused, queue full, shutdown).',
      labelNames: ['sink', 'reason'],
      registers,
    }),
    alertsPending: new Gauge({ name: 'sift_alerts_pending', help: 'Alerts queued or in flight, by sink.', labelNames: ['sink'], registers }),
    opsFailed: new Counter({
      name: 'sift_ops_docs_failed_total',
      help: 'Pipeline-health documents (elasticsearch.ops_index) not written: refused, failed or dropped while Elasticsearch lagged. Best effort; batches are unaffected.',
      registers,
    }),
  };
}
