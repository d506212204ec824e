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
  /**
   * When the transport received the record (the Kafka record timestamp), as
   * ISO 8601. Only for push-delivered payloads whose vendor sends no event
   * time at all (some Zoom webhooks): it is the documented delivery time, and
   * an event stamped with it carries the tag `timestamp_from_receipt`, so it
   * is never a silent substitute for the event time.
   */
  readonly receivedAt?: string | undefined;
}

/** The tag on events whose @timestamp is the receipt time (see NormalizeOptions.receivedAt). */
export const RECEIPT_TIME_TAG = 'timestamp_from_receipt';

/** A normalizer is pure: raw value in, result out; no I/O, no clock, no throw. */
export type Normalizer = (raw: unknown, opts: NormalizeOptions) => NormalizeResult;
