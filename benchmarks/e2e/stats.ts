/** The arithmetic of the end-to-end and soak benchmarks, kept pure so it is unit-tested. */

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Rounds to `digits` decimals (NaN and ±Infinity stay as they are). */
export const round = (x: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Least-squares slope of y over x (y units per x unit). Undefined for fewer
 * than two points or when every x is the same.
 */
export function slope(points: readonly { x: number; y: number }[]): number | undefined {
  if (points.length < 2) return undefined;
  const mx = mean(points.map((p) => p.x));
  const my = mean(points.map((p) => p.y));
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

/** The last `share` of the samples (at least one when there are any): the soak's slope skips the warm-up. */
export function tail<T>(xs: readonly T[], share: number): T[] {
  const n = Math.max(Math.min(xs.length, 1), Math.ceil(xs.length * share));
  return xs.slice(xs.length - n);
}

export interface TraceGc {
  /** Collections printed. */
  collections: number;
  /** Sum of the main-thread pause of each collection, s. */
  pause_s: number;
  /** Sum of the incremental marking steps done before Mark-Compact pauses ("+ X ms in N steps"), s. */
  incremental_s: number;
}

// `[pid:0xisolate]   1234 ms: Scavenge 4.9 (6.0) -> 4.5 (7.0) MB, pooled: 0 MB, 8.25 / 0.00 ms  (+ 2.1 ms in 128 steps …`
// The figure before " / " is the pause; "pooled:" appears from V8 13 on.
const TRACE_GC_LINE = /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: [A-Za-z][A-Za-z -]*? [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms(?:\s+\(\+ ([\d.]+) ms in \d+ steps)?/;

/** Sums the pauses of a `node --trace-gc` output; other lines (Sift's own logs) are skipped. */
export function parseTraceGc(text: string): TraceGc {
  const out: TraceGc = { collections: 0, pause_s: 0, incremental_s: 0 };
  for (const line of text.split('\n')) {
    const m = TRACE_GC_LINE.exec(line);
    if (!m) continue;
    out.collections++;
    out.pause_s += Number(m[1]) / 1000;
    if (m[2] !== undefined) out.incremental_s += Number(m[2]) / 1000;
  }
  return out;
}

/**
 * Sums --trace-gc lines from a stream that arrives in arbitrary chunks: a
 * line split across two chunks is held until its end arrives.
 */
export function traceGcCounter(): { feed(chunk: string): void; total(): TraceGc } {
  let partial = '';
  const sum: TraceGc = { collections: 0, pause_s: 0, incremental_s: 0 };
  return {
    feed(chunk) {
      const text = partial + chunk;
      const cut = text.lastIndexOf('\n');
      partial = text.slice(cut + 1);
      if (cut < 0) return;
      const t = parseTraceGc(text.slice(0, cut));
      sum.collections += t.collections;
      sum.pause_s += t.pause_s;
      sum.incremental_s += t.incremental_s;
    },
    total: () => ({ ...sum }),
  };
}
