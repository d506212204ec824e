/**
 * Shapes shared by the event-time stores. The stores know nothing about rules,
 * predicates or Detection objects: the runtime decides which events reach them
 * and turns what they report (`Fired`) into detections.
 */
import type { EcsEvent } from '../../ecs/index.js';

/**
 * One durable piece of window state. `key` is `<ruleId>/<sha1-hex of groupKey>`
 * (plus the partition meta key `@engine`); `value` is compact JSON, or null for
 * a tombstone (the window was deleted or evicted). `offset` is the highest
 * Kafka offset (decimal string) applied to that key: after a restore, inputs
 * at or below it are skipped, so a replay does not apply an event twice.
 */
export interface StateEntry {
  readonly key: string;
  readonly value: string | null;
  readonly offset?: string;
}

/**
 * One event as a store keeps it. `s` is a small projection of the event (see
 * project.ts), kept only for the newest few entries of a window, because it
 * is checkpointed with the window and full events would make state huge.
 */
export interface Mark {
  t: number;
  id: string;
  s: EcsEvent | undefined;
}

/** What a store reports when a window completes; the runtime adds the rule and group. */
export interface Fired {
  readonly windowStartMs: number;
  readonly firstEventMs: number;
  readonly lastEventMs: number;
  readonly count: number;
  /** Oldest first, at most MAX_EVENT_IDS. */
  readonly eventIds: string[];
  /** Oldest first, at most MAX_SAMPLE: the newest triggering events that still hold a projection. */
  readonly sample: EcsEvent[];
}

/** Detection.eventIds and Detection.sample bounds (runtime/types.ts documents them). */
export const MAX_EVENT_IDS = 100;
export const MAX_SAMPLE = 10;

/** How one kind of window state is written to and read back from a checkpoint. */
export interface Codec<S> {
  encode(state: S): unknown;
  /** `undefined` when the stored value is not a state of this kind (corrupt or foreign). */
  decode(value: unknown): S | undefined;
}
