import { cpus, totalmem } from 'node:os';

/**
 * A tiny benchmark harness. The machine is shared and noisy, so figures are
 * medians of many rounds, and comparisons are ratios of two workloads measured
 * in the same run, interleaved round by round so that noise hits both alike.
 */
export interface Side {
  name: string;
  /** Processes all `n` items once. */
  run: () => void;
}

export interface PairResult {
  name: string;
  items: number;
  rounds: number;
  subject: { name: string; us_per_item: number; items_per_s: number };
  baseline: { name: string; us_per_item: number; items_per_s: number };
  /** Median over rounds of subject time / baseline time (paired). */
  ratio: number;
}

/** Median of the values (mean of the middle two for an even count). */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Wall time of one call, in µs. */
export function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e3; // µs
}

export function comparePair(name: string, items: number, subject: Side, baseline: Side, rounds = 15, warmup = 3): PairResult {
  for (let i = 0; i < warmup; i++) {
    subject.run();
    baseline.run();
  }
  const s: number[] = [];
  const b: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < rounds; i++) {
    globalThis.gc?.();
    // Alternate which side goes first, so neither always gets the warmer cache.
    const [first, second] = i % 2 === 0 ? [subject, baseline] : [baseline, subject];
    const t1 = time(first.run);
    const t2 = time(second.run);
    const [ts, tb] = i % 2 === 0 ? [t1, t2] : [t2, t1];
    s.push(ts);
    b.push(tb);
    r.push(ts / tb);
  }
  const us = (xs: number[]): number => median(xs) / items;
  return {
    name,
    items,
    rounds,
    subject: { name: subject.name, us_per_item: round(us(s)), items_per_s: Math.round(1e6 / us(s)) },
    baseline: { name: baseline.name, us_per_item: round(us(b)), items_per_s: Math.round(1e6 / us(b)) },
    ratio: round(median(r)),
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function machine(): Record<string, unknown> {
  const c = cpus();
  return {
    cpus: c.length,
    cpu_model: c[0]?.model ?? 'unknown',
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
