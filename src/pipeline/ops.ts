/**
 * The documents of the pipeline-health index (src/ingest/indexer/ops-index.ts)
 * for one delivered batch: pure, so the tests state them by hand. Per dataset
 * of the batch, a `batch` document (events indexed, ingest lag); per
 * dead-letter reason, a `dead_letter` document (how many). Ids are fixed by
 * topic, partition, the batch's first offset, kind and dataset or reason, so
 * a batch processed again (a crash before its commit) overwrites its
 * documents instead of counting twice.
 */
import type { ErrorCode, Stage } from '../shared/index.js';

export const OpsKind = {
  batch: 'batch',
  deadLetter: 'dead_letter',
} as const;
export type OpsKind = (typeof OpsKind)[keyof typeof OpsKind];

/** One document of the batch, as the bulk request sends it. */
export interface OpsDoc {
  readonly id: string;
  readonly source: OpsSource;
}

export interface OpsSource {
  readonly '@timestamp': string;
  readonly event: { readonly dataset: string };
  readonly error?: { readonly code: ErrorCode };
  readonly sift: {
    readonly ops: {
      readonly kind: OpsKind;
      readonly topic: string;
      readonly partition: number;
      readonly events?: number;
      readonly lag_ms?: number;
      readonly stage?: Stage;
      readonly count?: number;
    };
  };
}

/** A document the batch added to its bulk request: its dataset and event time, gathered at prepare. */
export interface OpsTrace {
  readonly dataset: string;
  /** Epoch ms of `@timestamp` (rules/runtime eventTime), NaN when it has none usable. */
  readonly time: number;
  readonly future: boolean;
}

/** What a dead letter tells the ops index. */
export interface OpsDeadLetter {
  readonly vendor: string;
  readonly dataset: string | null;
  readonly stage: Stage;
  readonly code: ErrorCode;
}

export interface OpsBatch {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the batch's first record: with topic and partition, it names the batch. */
  readonly firstOffset: string;
  /** Wall time the batch was delivered, epoch ms. */
  readonly now: number;
  /** `traces[i]`: the i-th document of the batch's bulk request. */
  readonly traces: readonly OpsTrace[];
  /** Positions in `traces` that Elasticsearch refused (they are among `dead`). */
  readonly rejected: ReadonlySet<number>;
  readonly dead: readonly OpsDeadLetter[];
}

interface Indexed {
  events: number;
  /** Newest time among the dataset's indexed, non-future events with a usable time; -Infinity if none. */
  newest: number;
}

/**
 * The batch's documents: `batch` ones in the order their datasets first
 * appear, then `dead_letter` ones in the order their reasons first appear.
 * A dataset none of whose indexed events has a usable, non-future time gets
 * no `lag_ms`. Lag is never negative: an event a little ahead of this clock
 * (within rules.max_future_skew) counts as no lag.
 */
export function opsDocs(batch: OpsBatch): OpsDoc[] {
  const at = new Date(batch.now).toISOString();
  const base = `${batch.topic}/${batch.partition}/${batch.firstOffset}`;
  const where = { topic: batch.topic, partition: batch.partition };
  const indexed = new Map<string, Indexed>();
  batch.traces.forEach((t, i) => {
    if (batch.rejected.has(i)) return;
    let d = indexed.get(t.dataset);
    if (!d) indexed.set(t.dataset, (d = { events: 0, newest: -Infinity }));
    d.events++;
    if (!t.future && t.time > d.newest) d.newest = t.time;
  });
  const docs: OpsDoc[] = [];
  for (const [dataset, d] of indexed) {
    const lag = Number.isFinite(d.newest) ? { lag_ms: Math.max(0, batch.now - d.newest) } : {};
    docs.push({
      id: `${base}/${OpsKind.batch}/${dataset}`,
      source: { '@timestamp': at, event: { dataset }, sift: { ops: { kind: OpsKind.batch, ...where, events: d.events, ...lag } } },
    });
  }
  const dead = new Map<string, { letter: OpsDeadLetter; dataset: string; count: number }>();
  for (const letter of batch.dead) {
    // Labelled as sift_ingest_events_failed_total is: the dataset when known, else the vendor.
    const dataset = letter.dataset ?? letter.vendor;
    const key = `${letter.code}/${letter.stage}/${dataset}`;
    const seen = dead.get(key);
    if (seen) seen.count++;
    else dead.set(key, { letter, dataset, count: 1 });
  }
  for (const [key, { letter, dataset, count }] of dead) {
    docs.push({
      id: `${base}/${OpsKind.deadLetter}/${key}`,
      source: {
        '@timestamp': at,
        event: { dataset },
        error: { code: letter.code },
        sift: { ops: { kind: OpsKind.deadLetter, ...where, stage: letter.stage, count } },
      },
    });
  }
  return docs;
}
