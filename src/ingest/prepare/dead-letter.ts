import type { ErrorCode, Stage } from '../../shared/index.js';
import type { RawRecord } from '../kafka/index.js';

/** Why a record (or one event of it) could not be indexed. */
export interface DeadLetter {
  readonly record: RawRecord;
  readonly dataset: string;
  readonly stage: Stage;
  readonly code: ErrorCode;
  readonly message: string;
  readonly path?: string | undefined;
  /** Which event of a multi-event record (NDJSON line, envelope member) failed. */
  readonly eventIndex?: number | undefined;
}
