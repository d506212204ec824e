/**
 * The ingest side of keyed mode's event-time reorder (docs/keyed-order.md):
 * what this instance knows of each source partition it consumes, for the
 * markers it writes to every keyed partition.
 *
 * - After each batch: the source's watermark (newest event time read from
 *   it so far), not idle.
 * - On a timer: every source that is idle, i.e. its last batch ended caught
 *   up (nothing more in the partition then) and no batch came for
 *   rules.keyed_reorder.idle_ms; or, never having had a batch since it was
 *   assigned here, Kafka said there was nothing to read at least idle_ms
 *   ago (quiet too: right after a start, a partition about to be filled
 *   must not be passed by its neighbours' first batches). Repeated on every
 *   tick while idle, so a detect stage that restarts learns it again without
 *   a checkpoint (statuses are not state: they are re-sent).
 */
import type { Kafka } from 'kafkajs';
import { groupPositions } from '../ingest/index.js';
import type { SourceMark } from '../rules/index.js';

interface Tracked {
  progress: number;
  inFlight: number;
  /** Wall time the last batch ended caught up; undefined when it did not (or there was none). */
  caughtUpAt: number | undefined;
  batched: boolean;
  /** Never batched: when Kafka first said nothing was left to read (then quiet since). */
  emptyAt: number | undefined;
}

export interface SourceTracker {
  /** This instance's whole ingest assignment (`topic/partition`), at each rebalance. */
  assign(scopes: ReadonlySet<string>): void;
  begin(scope: string): void;
  /** A batch was delivered: its source's progress, and whether it ended at the partition's end. */
  end(scope: string, progress: number, caughtUp: boolean, now: number): SourceMark;
  /** A batch failed (it is fetched again). */
  abort(scope: string): void;
  /** Sources never batched and not known empty: `emptyOf` asks Kafka about them. */
  unchecked(): string[];
  markEmpty(scope: string, now: number): void;
  /** Sources idle at `now`. */
  idle(now: number): SourceMark[];
}

export function createSourceTracker(idleMs: number): SourceTracker {
  const sources = new Map<string, Tracked>();
  const of = (scope: string): Tracked => {
    let t = sources.get(scope);
    // A batch of a partition not (yet) in the assignment we were told of: track it anyway.
    if (t === undefined) sources.set(scope, (t = { progress: -Infinity, inFlight: 0, caughtUpAt: undefined, batched: false, emptyAt: undefined }));
    return t;
  };
  return {
    assign(scopes) {
      for (const scope of [...sources.keys()]) if (!scopes.has(scope)) sources.delete(scope);
      for (const scope of scopes) of(scope);
    },
    begin(scope) {
      of(scope).inFlight++;
    },
    end(scope, progress, caughtUp, now) {
      const t = of(scope);
      t.inFlight = Math.max(0, t.inFlight - 1);
      t.batched = true;
      if (progress > t.progress) t.progress = progress;
      t.caughtUpAt = caughtUp ? now : undefined;
      return { source: scope, watermark: t.progress, idle: false };
    },
    abort(scope) {
      const t = of(scope);
      t.inFlight = Math.max(0, t.inFlight - 1);
      // Its records are fetched again: the source is not caught up, and no longer known empty.
      t.caughtUpAt = undefined;
      t.emptyAt = undefined;
    },
    unchecked() {
      return [...sources].filter(([, t]) => !t.batched && t.emptyAt === undefined && t.inFlight === 0).map(([scope]) => scope);
    },
    markEmpty(scope, now) {
      const t = sources.get(scope);
      if (t !== undefined && !t.batched && t.emptyAt === undefined) t.emptyAt = now;
    },
    idle(now) {
      const out: SourceMark[] = [];
      for (const [source, t] of sources) {
        if (t.inFlight > 0) continue;
        const since = t.batched ? t.caughtUpAt : t.emptyAt;
        const quiet = since !== undefined && now - since >= idleMs;
        if (quiet) out.push({ source, watermark: t.progress, idle: true });
      }
      return out;
    },
  };
}

/**
 * Of `scopes`, those with nothing left to read for `group`: its committed
 * offset (or, with none, where it starts) at the partition's end.
 */
export async function emptySources(kafka: Kafka, group: string, scopes: readonly string[], fromBeginning: boolean): Promise<string[]> {
  const byTopic = new Map<string, number[]>();
  for (const scope of scopes) {
    const slash = scope.lastIndexOf('/');
    const list = byTopic.get(scope.slice(0, slash)) ?? [];
    list.push(Number(scope.slice(slash + 1)));
    byTopic.set(scope.slice(0, slash), list);
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: string[] = [];
    for (const [topic, partitions] of byTopic) {
      const wanted = new Set(partitions);
      for (const p of await groupPositions(admin, group, topic)) {
        if (!wanted.has(p.partition)) continue;
        const start = p.committed ?? (fromBeginning ? p.low : p.high);
        if (start >= p.high) out.push(`${topic}/${p.partition}`);
      }
    }
    return out;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
