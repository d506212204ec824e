import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'sift_' });
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
      help: 'Bulk items or requests retried, by reason (429, 5xx, unavailable).',
      labelNames: ['reason'],
      registers,
    }),
    committed: new Counter({
      name: 'sift_ingest_offsets_committed_total',
      help: 'Offset commits made after a batch was fully indexed or dead-lettered.',
      labelNames: ['topic'],
      registers,
    }),
  };
}
