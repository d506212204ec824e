import type { Failure } from '../../shared/index.js';
import type { Normalizer } from './result.js';

/**
 * One vendor's ingest definition. A Kafka topic carries one source; the
 * source turns each decoded record into vendor events (`explode`: envelopes
 * such as CloudTrail's `{"Records":[…]}` or a Pub/Sub push message) and each
 * vendor event into one ECS document (`normalize`, which also picks the
 * dataset, e.g. google_workspace.login vs google_workspace.admin).
 *
 * Both are pure: no I/O, no clock, no throwing.
 */
export interface Source {
  readonly vendor: string;
  readonly explode: (value: unknown) => readonly unknown[] | Failure;
  readonly normalize: Normalizer;
}

/** The explode of a source whose records are the events themselves. */
export const single = (value: unknown): readonly unknown[] => [value];
