/**
 * Keyed mode's event-time reorder (docs/keyed-order.md): a keyed partition
 * merges the streams of many source partitions, and a backlog reaches it in
 * arrival order, one source's fetch at a time: hours of one source's event
 * time may come before the same hours of another's. Sequences, travel pairs,
 * threshold window starts and suppression follow the order events are
 * applied in, so the detect stage would raise other alerts than the same
 * events in time order (`sift rules backtest`, or one partition).
 *
 * As Flink does before its CEP operator, events wait here until every source
 * partition that could still deliver an earlier one has moved past them:
 *
 * - Each source keeps a FIFO queue: its events are applied in its own order,
 *   so the replay guard's per-source positions (apply.ts) only move forward.
 * - The next event released is the head with the smallest event time; it
 *   goes once every other expected source either has an event waiting (its
 *   head is not earlier: it was not picked), has said its event time passed
 *   it (a watermark marker), or is idle (caught up, and quiet for
 *   rules.keyed_reorder.idle_ms: the ingest stage says so).
 * - An event with no usable time (none, or future-dated) waits only for its
 *   own source's earlier events.
 * - Bounded: past `maxEvents` waiting, the oldest head goes anyway (counted),
 *   so a source that is gone (its ingest instance down, a partition no one
 *   consumes) delays detection instead of stopping it.
 *
 * Pure: no Kafka, no clock. The caller feeds markers and events in the
 * order the keyed partition holds them and applies what `release` returns.
 */
import type { KeyedInput } from './types.js';

/** What a source partition's ingest said of it: its watermark, and whether it is idle. */
export interface SourceMark {
  /** `topic/partition` of the raw topic. */
  readonly source: string;
  /** Newest event time (epoch ms) of every event read from it so far; -Infinity before any. */
  readonly watermark: number;
  /** Caught up and quiet: nothing it delivers later is held for. */
  readonly idle: boolean;
}

interface Waiting {
  readonly input: KeyedInput;
  /** Event time to order by; -Infinity for an event with none (its source's order only). */
  readonly at: number;
  /** Offset of its keyed record: nothing at or past the oldest waiting one may be committed. */
  readonly offset: bigint;
}

interface Source {
  readonly queue: Waiting[];
  head: number;
  watermark: number;
  idle: boolean;
}

export interface Reorder {
  /** The raw topics' partitions (`topic/partition`) that may deliver here; a source not yet heard from holds everything back. */
  expect(sources: ReadonlySet<string>): void;
  /**
   * A marker, and a keyed event, at `offset` of the keyed partition. A record
   * at or before the last one taken is ignored: kafkajs reads again from the
   * committed offset (the oldest waiting event) after a rebalance or a
   * failed batch, and what is between is waiting here or already applied.
   */
  mark(marks: readonly SourceMark[], offset: bigint): void;
  push(input: KeyedInput, offset: bigint): void;
  /** The events now safe to apply, in order, and how many of them went only because the buffer was full. */
  release(): { inputs: KeyedInput[]; forced: number };
  /** Offset of the oldest waiting keyed record; undefined when none waits. */
  oldest(): bigint | undefined;
  /**
   * Remembers the state at the start of a keyed batch. `rollback` returns to
   * it (the batch failed: its released events are not in the restored
   * windows, and kafkajs refetches the batch); `settle` forgets it.
   */
  begin(): void;
  rollback(): void;
  settle(): void;
  readonly size: number;
}

interface Saved {
  readonly size: number;
  readonly seen: bigint;
  readonly sources: Map<string, { head: number; length: number; watermark: number; idle: boolean }>;
}

const orderTime = (input: KeyedInput): number => (input.future === true || !Number.isFinite(input.time) ? -Infinity : input.time);

export function createReorder(maxEvents: number): Reorder {
  const sources = new Map<string, Source>();
  let expected: ReadonlySet<string> = new Set();
  let size = 0;
  /** The last keyed offset taken. */
  let seen = -1n;

  const sourceOf = (name: string): Source => {
    let s = sources.get(name);
    if (s === undefined) sources.set(name, (s = { queue: [], head: 0, watermark: -Infinity, idle: false }));
    return s;
  };

  /** The source whose next event is the earliest (ties: the first source heard from). */
  function earliest(): [string, Source] | undefined {
    let best: [string, Source] | undefined;
    let at = Infinity;
    for (const entry of sources) {
      const s = entry[1];
      if (s.head >= s.queue.length) continue;
      const t = (s.queue[s.head] as Waiting).at;
      if (best === undefined || t < at) {
        best = entry;
        at = t;
      }
    }
    return best;
  }

  /** Whether no expected source other than `from` can still deliver an event earlier than `at`. */
  function passed(from: string, at: number): boolean {
    if (at === -Infinity) return true;
    for (const name of expected) {
      if (name === from) continue;
      const s = sources.get(name);
      if (s === undefined) return false;
      if (s.head < s.queue.length || s.idle || s.watermark >= at) continue;
      return false;
    }
    return true;
  }

  function take(s: Source): KeyedInput {
    const w = s.queue[s.head] as Waiting;
    s.head++;
    size--;
    return w.input;
  }

  let saved: Saved | undefined;

  return {
    expect(next) {
      expected = next;
    },
    mark(marks, offset) {
      if (offset <= seen) return;
      seen = offset;
      for (const m of marks) {
        const s = sourceOf(m.source);
        if (m.watermark > s.watermark) s.watermark = m.watermark;
        s.idle = m.idle;
      }
    },
    push(input, offset) {
      if (offset <= seen) return;
      seen = offset;
      const s = sourceOf(input.source ?? '');
      s.queue.push({ input, at: orderTime(input), offset });
      size++;
    },
    release() {
      const inputs: KeyedInput[] = [];
      let forced = 0;
      for (;;) {
        const next = earliest();
        if (next === undefined) break;
        const [name, s] = next;
        if (passed(name, (s.queue[s.head] as Waiting).at)) inputs.push(take(s));
        else if (size > maxEvents) {
          inputs.push(take(s));
          forced++;
        } else break;
      }
      return { inputs, forced };
    },
    oldest() {
      // A source's events are queued in keyed-offset order: its oldest is its head.
      let min: bigint | undefined;
      for (const s of sources.values()) {
        if (s.head >= s.queue.length) continue;
        const o = (s.queue[s.head] as Waiting).offset;
        if (min === undefined || o < min) min = o;
      }
      return min;
    },
    begin() {
      const snapshot: Saved['sources'] = new Map();
      for (const [name, s] of sources) snapshot.set(name, { head: s.head, length: s.queue.length, watermark: s.watermark, idle: s.idle });
      saved = { size, seen, sources: snapshot };
    },
    rollback() {
      if (saved === undefined) return;
      for (const [name, s] of sources) {
        const was = saved.sources.get(name);
        if (was === undefined) {
          sources.delete(name);
          continue;
        }
        s.head = was.head;
        s.queue.length = was.length;
        s.watermark = was.watermark;
        s.idle = was.idle;
      }
      size = saved.size;
      seen = saved.seen;
      saved = undefined;
    },
    settle() {
      saved = undefined;
      // Compacted only here, so a rollback finds every queue as begin() saw it.
      for (const s of sources.values()) {
        if (s.head === 0) continue;
        s.queue.splice(0, s.head);
        s.head = 0;
      }
    },
    get size() {
      return size;
    },
  };
}
