/**
 * What detection hands to alerting: one `Detection` per alert-worthy match.
 * The alert document, its id, suppression and routing live in src/alerts/;
 * this is the internal interface between the two.
 */
import type { EcsEvent, JsonValue } from '../../ecs/index.js';
import type { CompiledRule } from '../compile/types.js';
import type { NewTermsSeed, StateEntry } from '../state/index.js';

/** One event offered to detection, with its document id (the ES `_id`). */
export interface DetectInput {
  readonly event: EcsEvent;
  readonly id: string;
  /**
   * Where it came from: the Kafka offset of its record and its index among the
   * record's events. Together (the partition is the engine's scope) they are
   * the event's position, by which stateful checkpoints skip replays; every
   * event of a multi-event record has its own.
   */
  readonly offset?: string;
  readonly index?: number;
  /**
   * Its time is beyond its record's timestamp + `rules.max_future_skew` (a
   * producer's bad clock, `9999-12-31`): single-event rules see it, stateful
   * rules do not, and it never moves the watermark.
   */
  readonly future?: boolean;
  /**
   * Keyed mode: the source scope (`topic/partition`) that `offset` and
   * `index` belong to. A keyed partition gathers events of many source
   * partitions, so the replay guard keeps one position per source.
   */
  readonly source?: string;
}

/** A rule a keyed event is for, as the ingest stage selected it. */
export interface KeyedRule {
  readonly id: string;
  /** The rule version that selected the event: another version does not apply it. */
  readonly fingerprint: string;
  /** A sequence's step mask (bit i: step i matched); 1 for other kinds. */
  readonly mask: number;
}

/**
 * One event re-keyed for the detect stage (keyed mode): its projection (what
 * the rules need, not the whole event), its source position and the rules
 * that selected it under one group key.
 */
export interface KeyedInput extends DetectInput {
  /** Canonical JSON of the group values (a suppression group's for single-event rules): the Kafka key. */
  readonly key: string;
  readonly dataset: string;
  /** Event time in epoch ms; NaN when the event has none. */
  readonly time: number;
  /**
   * The source partition's watermark once this event was seen (the newest
   * event time of its stateful datasets so far, as local mode keeps it):
   * lateness is judged against it, so an event is late in keyed mode exactly
   * when it would be in local mode, whichever keyed partition it lands on.
   */
  readonly watermark: number;
  readonly rules: readonly KeyedRule[];
}

/** What the ingest stage does with a batch in keyed mode. */
export interface Routed {
  /** Single-event rules without suppression: raised at once, they need no window. */
  readonly detections: Detection[];
  /** One per (event, distinct group key): to write to the keyed topic. */
  readonly keyed: KeyedInput[];
  /** The source partition's progress: newest event time of any event routed from it so far (-Infinity before any). */
  readonly progress: number;
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

export type { StateEntry } from '../state/index.js';

/** Counters for metrics; called at most once per rule and reason per `evaluate` call. */
export interface EngineHooks {
  /** A rule's predicate or getter threw: the rule is disabled (called once per rule). */
  onQuarantine?(ruleId: string, error: unknown): void;
  /** Window keys dropped: over `maxKeysPerRule` ('cap') or past use ('ttl'). */
  onEvict?(ruleId: string, count: number, reason: 'cap' | 'ttl'): void;
  /** Matching events older than watermark − lateness, not applied to the window. */
  onLate?(ruleId: string, count: number): void;
  /** Keyed events selected by another version of the rule (a reload or a rolling deploy in between): not applied. */
  onStale?(ruleId: string, count: number): void;
}

export interface EngineOptions {
  /** Allowed lateness per dataset (ms); default 5 min. Read once per dataset at (re)load. */
  latenessMs?: (dataset: string) => number;
  /** Window keys per rule per partition; default 100,000; least recently used evicted beyond. */
  maxKeysPerRule?: number;
  hooks?: EngineHooks;
}

/** Detection over one partition's events, with that partition's window state. */
export interface PartitionEngine {
  /** Detections for the inputs, in arrival order (per input, in rule order). */
  evaluate(inputs: readonly DetectInput[]): Detection[];
  /** Keyed mode: applies re-keyed events (already selected by the ingest stage) to this keyed partition's windows. */
  evaluateKeyed(inputs: readonly KeyedInput[]): Detection[];
  /** Entries changed since the last call; value null = tombstone. */
  checkpoint(): StateEntry[];
  /** Every live entry (and the meta entry): sizing, benchmarks, full rewrites. */
  snapshot(): StateEntry[];
  /** Loads stored entries (latest value per key); entries of unknown or changed rules become tombstones. */
  restore(entries: readonly StateEntry[]): void;
  /** Active window keys across rules. */
  readonly keys: number;
}

export interface Engine {
  /** State is per scope (`topic/partition`); the same scope yields the same object. */
  partition(scope: string): PartitionEngine;
  /**
   * Keyed mode, ingest side: single-event rules fire here; every event a
   * stateful rule (or a single-event rule with suppression) selects becomes
   * keyed inputs, one per distinct group key. Stateless. `scope` is the
   * inputs' source partition (`topic/partition`).
   */
  route(scope: string, inputs: readonly DetectInput[]): Routed;
  /** The partition was revoked: forget its state without checkpointing. */
  drop(scope: string): void;
  /**
   * A new_terms rule's baseline read from history, shared by every partition
   * and used only while the rule keeps this version (id, version, source);
   * undefined forgets it. Never touches window state (src/rules/state/new-terms.ts).
   */
  seed(rule: CompiledRule, seed: NewTermsSeed | undefined): void;
  /** Hot reload: state survives for rules whose id, version and generated source are unchanged. */
  update(rules: readonly CompiledRule[]): void;
  readonly quarantined: ReadonlySet<string>;
  readonly rules: readonly CompiledRule[];
}
