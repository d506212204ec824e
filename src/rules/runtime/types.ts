/**
 * What detection hands to alerting: one `Detection` per alert-worthy match.
 * The alert document, its id, suppression and routing live in src/alerts/;
 * this is the internal interface between the two.
 */
import type { EcsEvent, JsonValue } from '../../ecs/index.js';
import type { CompiledRule } from '../compile/types.js';

/** One event offered to detection, with its document id (the ES `_id`). */
export interface DetectInput {
  readonly event: EcsEvent;
  readonly id: string;
  /** Kafka offset of the record it came from (stateful checkpoints skip replays by it). */
  readonly offset?: string;
}

export interface Detection {
  readonly rule: CompiledRule;
  /**
   * Canonical text of the group: JSON of the group-by values, in order. For a
   * single-event rule, the triggering event's `_id`.
   */
  readonly groupKey: string;
  /** group-by field → value. */
  readonly group: Readonly<Record<string, JsonValue>>;
  /** Event time (epoch ms) the detection's window starts at: part of the alert id. */
  readonly windowStartMs: number;
  readonly firstEventMs: number;
  readonly lastEventMs: number;
  /** How many events the detection covers (threshold count, sequence length…). */
  readonly count: number;
  /** `_id`s of the events that triggered it, oldest first, at most 100. */
  readonly eventIds: readonly string[];
  /**
   * Group fields and output fields, read from the last triggering event
   * (`user.name` → value). What `tests[].expect.alerts` are matched against.
   */
  readonly fields: Readonly<Record<string, JsonValue>>;
  /** The triggering events (at most 10, oldest first), for the alert's sample. */
  readonly sample: readonly EcsEvent[];
}
