import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * What a process costs, read from /proc: CPU seconds (utime + stime) and
 * peak resident memory. Linux only; the readers return undefined elsewhere
 * or for a process that is gone.
 */

/** Clock ticks per second of /proc/<pid>/stat times: USER_HZ, 100 on every Linux ABI Node runs on. */
export const CLOCK_TICKS = 100;

/**
 * utime + stime of a /proc/<pid>/stat line, in ticks. The command name (field
 * 2) sits in parentheses and may hold spaces or parentheses itself, so the
 * fields are counted from the last ')': state is field 3, utime 14, stime 15.
 */
export function parseStatTicks(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state): field n is fields[n - 3].
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** A `Name:   value kB` line of /proc/<pid>/status, in MB (10^6 bytes). */
export function parseStatusKb(status: string, name: 'VmHWM' | 'VmRSS'): number | undefined {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  return m ? (Number(m[1]) * 1024) / 1e6 : undefined;
}

export function cpuSeconds(pid: number): number | undefined {
  try {
    const ticks = parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return ticks === undefined ? undefined : ticks / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Peak RSS (VmHWM) in MB, or the current RSS with `current`. */
export function rssMb(pid: number, which: 'VmHWM' | 'VmRSS' = 'VmHWM'): number | undefined {
  try {
    return parseStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), which);
  } catch {
    return undefined;
  }
}

/** The pids in `scripts/stack.sh status` lines ("kafka  running  pid=123 …"). */
export function parseStackPids(status: string): { kafka?: number; es?: number } {
  const pid = (service: string): number | undefined => {
    const m = new RegExp(`^${service}\\s+running\\s+pid=(\\d+)`, 'm').exec(status);
    return m ? Number(m[1]) : undefined;
  };
  const kafka = pid('kafka');
  const es = pid('elasticsearch');
  return { ...(kafka === undefined ? {} : { kafka }), ...(es === undefined ? {} : { es }) };
}

const STACK_SH = fileURLToPath(new URL('../../../scripts/stack.sh', import.meta.url));

/** Kafka's and Elasticsearch's pids from `scripts/stack.sh status` (exit 3 = not both up; its lines still say which). */
export function stackPids(): { kafka?: number; es?: number } {
  try {
    return parseStackPids(execFileSync(STACK_SH, ['status'], { encoding: 'utf8' }));
  } catch (err) {
    const out = (err as { stdout?: unknown }).stdout;
    return typeof out === 'string' ? parseStackPids(out) : {};
  }
}

/** CPU seconds of several processes, read together. */
export function cpuOf(pids: Readonly<Record<string, number | undefined>>): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, pid === undefined ? undefined : cpuSeconds(pid)]));
}
