/**
 * Failpoints: named places where a crash test can kill the process at an
 * exact step (as TiKV's and FoundationDB's do), instead of at a random time
 * that may never land between two particular writes. `SIFT_FAILPOINTS` lists
 * them, comma-separated, each `name` (kill) or `name=[count*]action`, TiKV's
 * syntax: `kill`, or `sleep(ms)`, at the first `count` hits only when a count
 * is given. It is read once at start, so a process without it pays one Map
 * lookup per call. Operators never set it.
 *
 * `sleep(ms)` blocks the whole process (Atomics.wait), as a long GC pause or a
 * CPU-bound step does: timers, heartbeats and sockets all wait. An async sleep
 * would not be a stall: a batch's heartbeat timer keeps its group membership
 * alive meanwhile.
 *
 * Names in use:
 * - `ingest.after-index`: a source batch's events are indexed; its dead
 *   letters, alerts, keyed records' acknowledgement and checkpoint not yet.
 * - `ingest.after-keyed-write`: a source batch's keyed records are acknowledged,
 *   its offsets not yet committed.
 * - `detect.after-alert-write`: a keyed batch's alerts are written, its windows
 *   not yet checkpointed (only batches that raised an alert count).
 * - `detect.after-checkpoint`: windows checkpointed, keyed offsets not
 *   committed (only batches that raised an alert count).
 */

export type FailpointAction = { readonly kind: 'kill' } | { readonly kind: 'sleep'; readonly ms: number };

export interface ArmedFailpoint {
  readonly action: FailpointAction;
  /** Hits that still run the action (Infinity without a count). */
  remaining: number;
}

/** Parses a `SIFT_FAILPOINTS` value; throws on an action it does not know, naming it. */
export function parseFailpoints(spec: string): Map<string, ArmedFailpoint> {
  const out = new Map<string, ArmedFailpoint>();
  for (const entry of spec.split(',')) {
    const text = entry.trim();
    if (text.length === 0) continue;
    const eq = text.indexOf('=');
    const name = (eq < 0 ? text : text.slice(0, eq)).trim();
    const actionText = eq < 0 ? 'kill' : text.slice(eq + 1).trim();
    const m = /^(?:(\d+)\*)?(?:(kill)|sleep\((\d+)\))$/.exec(actionText);
    if (!m || name.length === 0) throw new Error(`SIFT_FAILPOINTS: cannot read '${text}' (expected name, name=kill, name=sleep(ms), optionally with count* before the action)`);
    const action: FailpointAction = m[2] === 'kill' ? { kind: 'kill' } : { kind: 'sleep', ms: Number(m[3]) };
    out.set(name, { action, remaining: m[1] === undefined ? Infinity : Number(m[1]) });
  }
  return out;
}

const armed = parseFailpoints(process.env.SIFT_FAILPOINTS ?? '');

/** Runs the action armed at `name`: SIGKILL (no cleanup, as a power cut) or a stall of the whole process. */
export function failpoint(name: string, points: Map<string, ArmedFailpoint> = armed): void {
  if (points.size === 0) return;
  const point = points.get(name);
  if (point === undefined || point.remaining <= 0) return;
  point.remaining--;
  if (point.action.kind === 'kill') {
    process.stderr.write(`failpoint ${name}: SIGKILL\n`);
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  process.stderr.write(`failpoint ${name}: sleep ${point.action.ms} ms\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, point.action.ms);
  process.stderr.write(`failpoint ${name}: awake\n`);
}
