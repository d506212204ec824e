/**
 * Failpoints: named places where a crash test can kill the process at an
 * exact step (as TiKV's and FoundationDB's do), instead of at a random time
 * that may never land between two particular writes. `SIFT_FAILPOINTS` lists
 * the names (comma-separated); each is read once at start, so a process
 * without it pays one Set lookup per call. Operators never set it.
 *
 * Names in use:
 * - `ingest.after-keyed-write`: a source batch's keyed records are acknowledged,
 *   its offsets not yet committed.
 * - `detect.after-alert-write`: a keyed batch's alerts are written, its windows
 *   not yet checkpointed.
 * - `detect.after-checkpoint`: windows checkpointed, keyed offsets not committed.
 */
const armed = new Set(
  (process.env.SIFT_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

/** Kills the process with SIGKILL (no cleanup, as a power cut) when `name` is armed. */
export function failpoint(name: string): void {
  if (armed.size === 0 || !armed.has(name)) return;
  process.stderr.write(`failpoint ${name}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
