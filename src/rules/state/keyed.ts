/**
 * A bounded map of window states for one rule in one partition, keyed by the
 * group key (canonical JSON of the group-by values).
 *
 * - LRU: the Map's insertion order is the use order (a touch re-inserts). At
 *   most `maxKeys` groups; adding one more evicts the least recently used.
 *   Each slot carries `use`, a partition-wide touch counter that is
 *   checkpointed, so a restored store has the same LRU order and evicts the
 *   same keys the uninterrupted one would have.
 * - TTL: `sweep(cutoff)` removes slots whose newest event time is below the
 *   cutoff; the caller passes a cutoff past which a slot cannot contribute to
 *   any detection anymore, so sweeping early or late never changes results.
 * - Checkpoints: every added, touched or removed group is remembered until
 *   the next `checkpoint`, which writes its value or a tombstone (null).
 * - Replay guard: `off` is the highest source position applied to the slot.
 *   A position is (offset, index of the event in its record): one Kafka record
 *   can hold many events (CloudTrail Records, an Okta page, NDJSON, a Pub/Sub
 *   batch), and all of them must count, while a redelivered record must only
 *   apply the events the checkpoint does not reflect yet. In local mode the
 *   partition is the scope the store lives in, and `off` is one position. In
 *   keyed mode a slot gathers the events of one group from every source
 *   partition (re-keyed through the keyed topic), so `from` keeps the highest
 *   position per source scope (`topic/partition`): positions only grow within
 *   one source partition, and a source batch written again to the keyed topic
 *   after a crash carries the same source positions, so it is skipped exactly.
 */
import { hash } from 'node:crypto';
import type { Codec, StateEntry } from './types.js';

export interface Slot<S> {
  state: S;
  /** Highest position applied (see positionOf), or undefined when the input carried none. */
  off: bigint | undefined;
  /** Keyed mode: highest position applied per source scope. */
  from?: Map<string, bigint>;
  /** Newest event time applied to the slot: what TTL compares. */
  last: number;
  /** Partition-wide touch counter at the last use: LRU order, persisted. */
  use: number;
}

/** Partition-wide counter shared by every store of a partition. */
export interface UseCounter {
  seq: number;
}

export interface KeyedStore<S> {
  readonly size: number;
  /** Evictions since the runtime last read them (it reports them once per batch). */
  capEvicted: number;
  ttlEvicted: number;
  get(group: string): Slot<S> | undefined;
  /** Marks a slot used now: most recent in LRU order, written by the next checkpoint. */
  touch(group: string, slot: Slot<S>): void;
  /** A new slot, already touched; may evict the least recently used ones. */
  add(group: string, state: S, last: number): Slot<S>;
  sweep(cutoff: number): void;
  /** Changed groups since the last call, as entries; `all` writes every live group instead. */
  checkpoint(out: StateEntry[], all?: boolean): void;
  /** Decodes one stored value; false when it is not this rule's (version changed, corrupt). */
  restore(value: string, offset: string | undefined): boolean;
  /** Puts restored slots in LRU order; call once after a run of `restore`. */
  settle(): void;
  /** The entry keys of every live group (tombstones when the rule's state is dropped). */
  entryKeys(): string[];
}

export function entryKey(ruleId: string, group: string): string {
  return `${ruleId}/${hash('sha1', group, 'hex')}`;
}

/** Bits of a position that hold the event index; a record holds at most 2^32 events. */
const INDEX_BITS = 32n;
const LAST_INDEX = (1n << INDEX_BITS) - 1n;

/** A Kafka offset (decimal text) as a number to compare; undefined when absent or not decimal. */
function parseDecimal(text: string | undefined): bigint | undefined {
  if (text === undefined || text.length === 0 || text.length > 30) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return BigInt(text);
}

/**
 * The position of an event, as one number that orders like (offset, index):
 * offset × 2^32 + index. Undefined when the offset is absent or not decimal.
 * An input without an index is the whole record (index 0).
 */
export function positionOf(offset: string | undefined, index: number | undefined): bigint | undefined {
  const off = parseDecimal(offset);
  if (off === undefined) return undefined;
  const i = index !== undefined && Number.isSafeInteger(index) && index > 0 ? BigInt(index) : 0n;
  return (off << INDEX_BITS) | (i > LAST_INDEX ? LAST_INDEX : i);
}

/** A position as stored in checkpoints: `<offset>:<index>`. */
export function positionText(position: bigint): string {
  return `${position >> INDEX_BITS}:${position & LAST_INDEX}`;
}

/**
 * A stored position. Checkpoints written before positions hold a bare offset,
 * meaning every event of that record was applied: it reads as the record's
 * last possible index, so a redelivered record is skipped whole, as before.
 */
export function parsePosition(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  const colon = text.indexOf(':');
  if (colon < 0) {
    const off = parseDecimal(text);
    return off === undefined ? undefined : (off << INDEX_BITS) | LAST_INDEX;
  }
  const off = parseDecimal(text.slice(0, colon));
  const index = parseDecimal(text.slice(colon + 1));
  if (off === undefined || index === undefined || index > LAST_INDEX) return undefined;
  return (off << INDEX_BITS) | index;
}

/**
 * Whether the event at `position` of source `source` (undefined: the store's
 * own partition) is already reflected in the slot, and if not, records it.
 * Returns false for a replay, which the caller skips.
 */
export function admit(slot: { off: bigint | undefined; from?: Map<string, bigint> }, source: string | undefined, position: bigint | undefined): boolean {
  if (position === undefined) return true;
  if (source === undefined) {
    if (slot.off !== undefined && position <= slot.off) return false;
    slot.off = position;
    return true;
  }
  const from = (slot.from ??= new Map());
  const seen = from.get(source);
  if (seen !== undefined && position <= seen) return false;
  from.set(source, position);
  return true;
}

/**
 * Per-source positions as stored: `<scope>=<offset>:<index>` joined by `;`
 * (scopes are `topic/partition`, and topic names hold neither `=` nor `;`).
 */
export function sourcesText(from: ReadonlyMap<string, bigint>): string {
  const parts: string[] = [];
  for (const [scope, position] of from) parts.push(`${scope}=${positionText(position)}`);
  return parts.join(';');
}

/** The per-source positions of `text`, or undefined when it holds none (a local-mode position). */
export function parseSources(text: string | undefined): Map<string, bigint> | undefined {
  if (text === undefined || !text.includes('=')) return undefined;
  const out = new Map<string, bigint>();
  for (const part of text.split(';')) {
    const eq = part.lastIndexOf('=');
    const position = eq > 0 ? parsePosition(part.slice(eq + 1)) : undefined;
    if (position !== undefined) out.set(part.slice(0, eq), position);
  }
  return out;
}

interface Stored {
  r: string;
  g: string;
  u: number;
  l: number;
  s: unknown;
}

function isStored(v: unknown): v is Stored {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Partial<Record<keyof Stored, unknown>>;
  return typeof o.r === 'string' && typeof o.g === 'string' && typeof o.u === 'number' && typeof o.l === 'number' && 's' in o;
}

/**
 * `fingerprint` identifies the rule version (id + version + generated source):
 * a stored value with another fingerprint belongs to an older version of the
 * rule and is refused, so a changed rule never inherits windows it did not build.
 */
export function createKeyedStore<S>(ruleId: string, fingerprint: string, codec: Codec<S>, maxKeys: number, counter: UseCounter): KeyedStore<S> {
  const map = new Map<string, Slot<S>>();
  const dirty = new Set<string>();

  function remove(group: string): void {
    map.delete(group);
    dirty.add(group);
  }

  function evictOverCap(): void {
    while (map.size > maxKeys) {
      const oldest = map.keys().next();
      if (oldest.done === true) return;
      remove(oldest.value);
      store.capEvicted++;
    }
  }

  function write(group: string, slot: Slot<S>): string {
    const stored: Stored = { r: fingerprint, g: group, u: slot.use, l: slot.last, s: codec.encode(slot.state) };
    return JSON.stringify(stored);
  }

  function entry(group: string, slot: Slot<S> | undefined): StateEntry {
    const key = entryKey(ruleId, group);
    if (slot === undefined) return { key, value: null };
    if (slot.from !== undefined && slot.from.size > 0) return { key, value: write(group, slot), offset: sourcesText(slot.from) };
    return slot.off === undefined ? { key, value: write(group, slot) } : { key, value: write(group, slot), offset: positionText(slot.off) };
  }

  const store: KeyedStore<S> = {
    get size() {
      return map.size;
    },
    capEvicted: 0,
    ttlEvicted: 0,
    get: (group) => map.get(group),
    touch(group, slot) {
      slot.use = ++counter.seq;
      map.delete(group);
      map.set(group, slot);
      dirty.add(group);
    },
    add(group, state, last) {
      const slot: Slot<S> = { state, off: undefined, last, use: 0 };
      store.touch(group, slot);
      evictOverCap();
      return slot;
    },
    sweep(cutoff) {
      for (const [group, slot] of map) {
        if (slot.last < cutoff) {
          remove(group);
          store.ttlEvicted++;
        }
      }
    },
    checkpoint(out, all = false) {
      if (all) {
        for (const [group, slot] of map) out.push(entry(group, slot));
        return;
      }
      for (const group of dirty) out.push(entry(group, map.get(group)));
      dirty.clear();
    },
    restore(value, offset) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return false;
      }
      if (!isStored(parsed) || parsed.r !== fingerprint) return false;
      const state = codec.decode(parsed.s);
      if (state === undefined) return false;
      const from = parseSources(offset);
      map.set(parsed.g, from === undefined ? { state, off: parsePosition(offset), last: parsed.l, use: parsed.u } : { state, off: undefined, from, last: parsed.l, use: parsed.u });
      if (parsed.u > counter.seq) counter.seq = parsed.u;
      return true;
    },
    settle() {
      const slots = [...map].sort((a, b) => a[1].use - b[1].use);
      map.clear();
      for (const [group, slot] of slots) map.set(group, slot);
      evictOverCap();
    },
    entryKeys: () => [...map.keys()].map((g) => entryKey(ruleId, g)),
  };
  return store;
}
