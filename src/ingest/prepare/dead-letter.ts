import { Stage, type ErrorCode } from '../../shared/index.js';
import type { RawRecord } from '../kafka/index.js';

/** Why a record (or one event of it) could not be indexed. */
export interface DeadLetter {
  readonly record: RawRecord;
  /** The topic's source (`kafka.topics[].source`): always known. */
  readonly vendor: string;
  /**
   * The event's dataset when Sift knows it: always at index, and before that
   * only when the vendor has a single dataset (okta → okta.system); null for
   * a multi-dataset vendor (google_workspace, zoom) refused before normalize
   * picked one.
   */
  readonly dataset: string | null;
  readonly stage: Stage;
  readonly code: ErrorCode;
  readonly message: string;
  readonly path?: string | undefined;
  /** Which event of a multi-event record (NDJSON line, envelope member) failed. */
  readonly eventIndex?: number | undefined;
}

/**
 * The stage a dead letter reports, by its code alone: a DLQ consumer or an
 * alert on `sift_ingest_events_failed_total{stage}` must not see one code
 * under two stages because one vendor noticed the problem in its envelope
 * reader and another in its normalizer. The code's prefix names the stage;
 * SIFT_INTERNAL (whichever prepare step threw) is documented as normalize.
 * Only decode, normalize, index and internal codes are ever dead-lettered.
 * The table in docs/dead-letter.md says the same; a test holds them together.
 */
export function stageOf(code: ErrorCode): Stage {
  if (code.startsWith('SIFT_DECODE_')) return Stage.Decode;
  if (code.startsWith('SIFT_INDEX_')) return Stage.Index;
  return Stage.Normalize;
}
