import { ErrorCode, Stage } from '../../shared/index.js';
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
 * reader and another in its normalizer. The table in docs/dead-letter.md is
 * this map; a test holds them together. Typed over every code, so a new code
 * cannot be added without choosing its stage.
 */
const STAGE_OF: Readonly<Record<ErrorCode, Stage>> = {
  [ErrorCode.ConfigInvalid]: Stage.Config,
  [ErrorCode.ConfigUnreadable]: Stage.Config,
  [ErrorCode.DecodeEmpty]: Stage.Decode,
  [ErrorCode.DecodeNotUtf8]: Stage.Decode,
  [ErrorCode.DecodeNotJson]: Stage.Decode,
  [ErrorCode.DecodeTooLarge]: Stage.Decode,
  [ErrorCode.DecodeTooDeep]: Stage.Decode,
  [ErrorCode.DecodeUnknownSource]: Stage.Decode,
  [ErrorCode.DecodeNoEvents]: Stage.Decode,
  [ErrorCode.NormalizeNotObject]: Stage.Normalize,
  [ErrorCode.NormalizeNoTimestamp]: Stage.Normalize,
  [ErrorCode.NormalizeBadTimestamp]: Stage.Normalize,
  [ErrorCode.NormalizeWrongType]: Stage.Normalize,
  [ErrorCode.IndexMappingRejected]: Stage.Index,
  [ErrorCode.IndexRejected]: Stage.Index,
  [ErrorCode.IndexUnavailable]: Stage.Index,
  [ErrorCode.IndexUnauthorized]: Stage.Index,
  [ErrorCode.KafkaUnavailable]: Stage.Consume,
  // Whichever prepare step threw (envelope reader, normalizer, enrichment,
  // serializer, id hash), as documented.
  [ErrorCode.Internal]: Stage.Normalize,
};

export function stageOf(code: ErrorCode): Stage {
  return STAGE_OF[code];
}
