/**
 * One partition's detection: its watermark, its window stores (one per
 * stateful rule, created on first use) and their checkpoints.
 *
 * Event time: @timestamp in epoch ms (time.ts: RFC 3339, an impossible date is NaN). The
 * watermark is the largest event time seen among this partition's events of
 * datasets that stateful rules watch (whether or not they match), except
 * events flagged `future` (beyond their record's timestamp + the allowed
 * skew): those reach single-event rules only, so one far-future timestamp
 * cannot make every later event late. A matching
 * event older than watermark − the dataset's lateness is late: counted
 * (onLate), not applied. The watermark is checkpointed (meta key `@engine`) so a restored partition judges lateness
 * exactly as the uninterrupted one would have.
 *
 * TTL: whenever the watermark enters a new minute of event time, every store
 * drops the groups that can no longer contribute (newest event older than
 * watermark − span − lateness). The schedule depends only on the watermark,
 * so it is the same after a restore.
 *
 * Keyed mode (evaluateKeyed): a keyed partition merges the streams of many
 * source partitions, which run at different event times (CloudTrail minutes
 * behind Okta; one topic replaying last week). Lateness is judged per source
 * against the watermark its event carries (KeyedInput.watermark), exactly as
 * local mode judges it. Windows are pruned and expired against the slowest
 * watermark among the source partitions that delivered here (as Flink's
 * operator watermark is the minimum of its inputs'), so a source far ahead
 * never expires windows a slower one is still filling, whichever group they
 * belong to, and a restored partition prunes exactly as the uninterrupted one
 * (the sources are in the checkpoint; nothing depends on processing time). A
 * source silent while this partition's newest watermark moved SILENT_MS on
 * (event time) stops holding pruning back, so a source that is gone does not
 * keep every window forever. The detect stage's reorder (reorder.ts) hands
 * events over in event time across source partitions, so a source partition
 * behind the others holds them back before they get here; with it off
 * (rules.keyed_reorder.enabled: false), a source that has not delivered here
 * yet cannot hold pruning back, and its first events may find windows
 * already pruned past them.
 */
import { createKeyedStore, newTermsCodec, type NewTermsSeed, sequenceCodec, thresholdCodec, travelCodec, cardinalityCodec, type Codec, type StateEntry, type UseCounter } from '../state/index.js';
import type { JsonValue } from '../../ecs/index.js';
import { applyMatched, applyRule, type RuleState, type Windows } from './apply.js';
import type { RulePlan } from './plan.js';
import { candidates, type DatasetBucket } from './rule-index.js';
import { eventTime } from './time.js';
import type { DetectInput, Detection, EngineHooks, KeyedInput, PartitionEngine } from './types.js';

/** What all partitions of an engine share; the engine replaces `index` and `plans` on reload. */
export interface Shared {
  index: ReadonlyMap<string, DatasetBucket>;
  /** Active (enabled, not quarantined) rules by id. */
  plans: ReadonlyMap<string, RulePlan>;
  readonly maxKeys: number;
  readonly hooks: EngineHooks;
  /** new_terms baselines from history by rule id, with the fingerprint of the rule version they were read for. */
  readonly seeds: Map<string, { readonly fingerprint: string; readonly seed: NewTermsSeed }>;
  quarantine(plan: RulePlan, error: unknown): void;
}

export interface Partition extends PartitionEngine {
  /** After a reload or quarantine: keep the state of unchanged rules, tombstone the rest. */
  reconcile(): void;
}

export const META_KEY = '@engine';
const SWEEP_EVERY_MS = 60_000;
/** Keyed mode: a source silent while the partition's watermark moved this far on (event time) no longer holds its slots back. */
export const SILENT_MS = 24 * 60 * 60_000;

interface Meta {
  wm: number;
  seq: number;
  /** Keyed mode: per source partition, [its watermark, the partition's watermark when it last delivered]. */
  src?: Record<string, [number, number]>;
}

function sourceEntry(x: unknown): [number, number] | undefined {
  if (Array.isArray(x) && x.length === 2 && x.every((n) => typeof n === 'number' && Number.isFinite(n))) return [x[0] as number, x[1] as number];
  return undefined;
}

function parseMeta(value: string): Meta | undefined {
  try {
    const v = JSON.parse(value) as Partial<Record<keyof Meta, unknown>>;
    if (typeof v.wm !== 'number' || typeof v.seq !== 'number') return undefined;
    const src: Record<string, [number, number]> = {};
    if (typeof v.src === 'object' && v.src !== null) {
      for (const [k, x] of Object.entries(v.src)) {
        const entry = sourceEntry(x);
        if (entry !== undefined) src[k] = entry;
      }
    }
    return { wm: v.wm, seq: v.seq, src };
  } catch {
    return undefined;
  }
}

export function createPartition(shared: Shared): Partition {
  const states = new Map<string, RuleState>();
  const counter: UseCounter = { seq: 0 };
  /** Keys to delete at the next checkpoint: dropped rules, refused restores. */
  const tombstones = new Set<string>();
  const late = new Map<RulePlan, number>();
  const stale = new Map<string, number>();
  let watermark = -Infinity;
  /** Keyed mode: source scope → its watermark (KeyedInput.watermark) and this partition's watermark when it last delivered. */
  const sources = new Map<string, { wm: number; at: number }>();
  /** What windows prune against: the watermark in local mode, the slowest source's in keyed mode. */
  let pruneMark = -Infinity;
  let sweptMinute = -Infinity;
  let metaWritten = '';

  function createState(plan: RulePlan): RuleState {
    const store = <S>(codec: Codec<S>) => createKeyedStore(plan.id, plan.fingerprint, codec, shared.maxKeys, counter);
    switch (plan.kind) {
      case 'threshold':
        return { kind: plan.kind, plan, store: store(thresholdCodec) };
      case 'cardinality':
        return { kind: plan.kind, plan, store: store(cardinalityCodec) };
      case 'sequence':
        return { kind: plan.kind, plan, store: store(sequenceCodec) };
      case 'new_terms':
        return { kind: plan.kind, plan, store: store(newTermsCodec) };
      case 'travel':
        return { kind: plan.kind, plan, store: store(travelCodec) };
      case 'match':
        throw new Error(`rule ${plan.id} keeps no window state`);
    }
  }

  const windows: Windows = {
    get watermark() {
      return pruneMark;
    },
    out: [] as Detection[],
    late(plan) {
      late.set(plan, (late.get(plan) ?? 0) + 1);
    },
    seed(plan) {
      const s = shared.seeds.get(plan.id);
      return s !== undefined && s.fingerprint === plan.fingerprint ? s.seed : undefined;
    },
    state(plan) {
      let st = states.get(plan.id);
      if (st === undefined) states.set(plan.id, (st = createState(plan)));
      return st;
    },
  };

  /** Keyed mode: the slowest watermark among the sources still delivering (see the header). */
  function slowest(): number {
    let mark = Infinity;
    for (const src of sources.values()) if (watermark - src.at <= SILENT_MS && src.wm < mark) mark = src.wm;
    return mark === Infinity ? watermark : mark;
  }

  function sweep(): void {
    for (const st of states.values()) st.store.sweep(pruneMark - st.plan.spanMs - st.plan.latenessMs);
  }

  /** Hooks once per rule and reason per batch, not per event. */
  function report(): void {
    const { onLate, onEvict, onStale } = shared.hooks;
    for (const [plan, n] of late) onLate?.(plan.id, n);
    late.clear();
    for (const [id, n] of stale) onStale?.(id, n);
    stale.clear();
    for (const st of states.values()) {
      if (st.store.capEvicted > 0) onEvict?.(st.plan.id, st.store.capEvicted, 'cap');
      if (st.store.ttlEvicted > 0) onEvict?.(st.plan.id, st.store.ttlEvicted, 'ttl');
      st.store.capEvicted = st.store.ttlEvicted = 0;
    }
  }

  function meta(): StateEntry | undefined {
    if (!Number.isFinite(watermark)) return undefined;
    const m: Meta = sources.size > 0 ? { wm: watermark, seq: counter.seq, src: Object.fromEntries([...sources].map(([k, v]) => [k, [v.wm, v.at]])) } : { wm: watermark, seq: counter.seq };
    return { key: META_KEY, value: JSON.stringify(m) };
  }

  /** Sets what windows prune against; sweeps when it enters a new minute. */
  function prune(mark: number): void {
    pruneMark = mark;
    const minute = Math.floor(mark / SWEEP_EVERY_MS);
    if (minute > sweptMinute) {
      sweptMinute = minute;
      sweep();
    }
  }

  /** Local mode: moves the watermark to `t` when it is newer. */
  function advance(t: number): void {
    if (!(t > watermark)) return;
    watermark = t;
    prune(t);
  }

  /** Keyed mode: records a source's watermark (a replayed record carries an older one: the newer stays). */
  function advanceSource(source: string, mark: number): number {
    const entry = sources.get(source);
    const wm = entry !== undefined && !(mark >= entry.wm) ? entry.wm : mark;
    if (!Number.isFinite(wm)) return wm;
    // Recorded before the partition's watermark moves, so a lone source is never silent.
    const at = Math.max(watermark, wm);
    if (entry === undefined) sources.set(source, { wm, at });
    else {
      entry.wm = wm;
      entry.at = at;
    }
    if (wm > watermark) watermark = wm;
    const floor = slowest();
    if (floor !== pruneMark) prune(floor);
    return wm;
  }

  return {
    evaluate(inputs: readonly DetectInput[]): Detection[] {
      const out: Detection[] = [];
      windows.out = out;
      const index = shared.index;
      for (let n = 0; n < inputs.length; n++) {
        const input = inputs[n] as DetectInput;
        const block = input.event.event;
        if (typeof block !== 'object' || block === null) continue;
        const bucket = index.get(block.dataset);
        if (bucket === undefined) continue;
        let t = NaN;
        const future = input.future === true;
        if (bucket.stateful && !future) {
          t = eventTime(input.event);
          advance(t);
        }
        const list = candidates(bucket, block.action);
        for (let r = 0; r < list.length; r++) {
          const plan = list[r] as RulePlan;
          if (plan.disabled || (future && plan.kind !== 'match')) continue;
          try {
            applyRule(windows, plan, input, t, bucket.latenessMs);
          } catch (err) {
            shared.quarantine(plan, err);
          }
        }
      }
      report();
      return out;
    },

    /** Keyed mode: applies events the ingest stage selected; lateness and pruning as in the header. */
    evaluateKeyed(inputs: readonly KeyedInput[]): Detection[] {
      const out: Detection[] = [];
      windows.out = out;
      for (let n = 0; n < inputs.length; n++) {
        const input = inputs[n] as KeyedInput;
        const future = input.future === true;
        const t = input.time;
        const sourceMark = future ? input.watermark : advanceSource(input.source ?? '', input.watermark);
        let groups: JsonValue[][] | undefined;
        for (let r = 0; r < input.rules.length; r++) {
          const ref = input.rules[r] as KeyedInput['rules'][number];
          const plan = shared.plans.get(ref.id);
          if (plan === undefined || plan.disabled || plan.fingerprint !== ref.fingerprint) {
            stale.set(ref.id, (stale.get(ref.id) ?? 0) + 1);
            continue;
          }
          if (future && plan.kind !== 'match') continue;
          // The key is the group this record was written for (the codec checked it is an array).
          if (plan.kind !== 'match') groups ??= [JSON.parse(input.key) as JsonValue[]];
          const latenessMs = shared.index.get(input.dataset)?.latenessMs ?? plan.latenessMs;
          try {
            applyMatched(windows, plan, input, t, sourceMark - latenessMs, ref.mask, groups);
          } catch (err) {
            shared.quarantine(plan, err);
          }
        }
      }
      report();
      return out;
    },

    checkpoint(): StateEntry[] {
      const live: StateEntry[] = [];
      for (const st of states.values()) st.store.checkpoint(live);
      const out: StateEntry[] = [];
      if (tombstones.size > 0) {
        // A rewritten key (the rule came back unchanged, a group reappeared) keeps its live value.
        const written = new Set(live.map((e) => e.key));
        for (const key of tombstones) if (!written.has(key)) out.push({ key, value: null });
        tombstones.clear();
      }
      for (const e of live) out.push(e);
      const m = meta();
      if (m !== undefined && m.value !== metaWritten) {
        metaWritten = m.value as string;
        out.push(m);
      }
      return out;
    },

    snapshot(): StateEntry[] {
      const out: StateEntry[] = [];
      for (const st of states.values()) st.store.checkpoint(out, true);
      const m = meta();
      if (m !== undefined) out.push(m);
      return out;
    },

    restore(entries: readonly StateEntry[]): void {
      const latest = new Map<string, StateEntry>();
      for (const e of entries) latest.set(e.key, e);
      const restored = new Set<RuleState>();
      for (const e of latest.values()) {
        if (e.value === null) continue;
        if (e.key === META_KEY) {
          const m = parseMeta(e.value);
          if (m !== undefined) {
            watermark = Math.max(watermark, m.wm);
            for (const [k, [wm, at]] of Object.entries(m.src ?? {})) {
              const known = sources.get(k);
              if (known === undefined || wm > known.wm) sources.set(k, { wm, at });
            }
            counter.seq = Math.max(counter.seq, m.seq);
            metaWritten = e.value;
          }
          continue;
        }
        const slash = e.key.lastIndexOf('/');
        const plan = slash > 0 ? shared.plans.get(e.key.slice(0, slash)) : undefined;
        const st = plan !== undefined && plan.kind !== 'match' ? windows.state(plan) : undefined;
        if (st !== undefined && st.store.restore(e.value, e.offset)) restored.add(st);
        else tombstones.add(e.key);
      }
      for (const st of restored) st.store.settle();
      // The uninterrupted partition swept when the watermark entered this minute.
      pruneMark = sources.size > 0 ? slowest() : watermark;
      sweptMinute = Number.isFinite(pruneMark) ? Math.floor(pruneMark / SWEEP_EVERY_MS) : -Infinity;
    },

    get keys(): number {
      let n = 0;
      for (const st of states.values()) n += st.store.size;
      return n;
    },

    reconcile(): void {
      for (const [id, st] of states) {
        const plan = shared.plans.get(id);
        if (plan !== undefined && plan.fingerprint === st.plan.fingerprint && plan.kind === st.kind) {
          st.plan = plan;
          continue;
        }
        for (const key of st.store.entryKeys()) tombstones.add(key);
        states.delete(id);
      }
    },
  };
}
