import type { EcsEvent } from '../../ecs/index.js';
import type { Failure } from '../../shared/index.js';

export interface Normalized {
  readonly ok: true;
  readonly event: EcsEvent;
  /**
   * The vendor's own unique id of the event (Okta `uuid`, …). It becomes the
   * document `_id` (hashed with the dataset); undefined means the vendor gave
   * none and the pipeline falls back to a hash of the raw bytes.
   */
  readonly vendorId: string | undefined;
}

export type NormalizeResult = Normalized | Failure;

export interface NormalizeOptions {
  /** Raw record text for event.original, when keep_original is on. */
  readonly original: string | undefined;
}

/** A normalizer is pure: raw value in, result out; no I/O, no clock, no throw. */
export type Normalizer = (raw: unknown, opts: NormalizeOptions) => NormalizeResult;
