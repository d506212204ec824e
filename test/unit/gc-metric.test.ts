import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GC_METRIC, observeGcEntries } from '../../src/telemetry/gc.js';
import { createMetrics } from '../../src/telemetry/index.js';

const entry = (kind: number, ms: number): PerformanceEntry => ({ name: 'gc', entryType: 'gc', startTime: 0, duration: ms, detail: { kind } }) as unknown as PerformanceEntry;

async function sumAndCount(registry: Registry): Promise<{ sum: number; count: number }> {
  const values: readonly { metricName?: string; value: number }[] = (await registry.getSingleMetric(GC_METRIC)?.get())?.values ?? [];
  const pick = (suffix: string): number => values.filter((v) => v.metricName === `${GC_METRIC}${suffix}`).reduce((n, v) => n + v.value, 0);
  return { sum: pick('_sum'), count: pick('_count') };
}

describe('GC time as Node reports it', () => {
  it('counts every entry of a delivered list, by kind', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: GC_METRIC, help: 'h', labelNames: ['kind'], registers: [registry] });
    observeGcEntries(h, [entry(constants.NODE_PERFORMANCE_GC_MINOR, 2), entry(constants.NODE_PERFORMANCE_GC_MINOR, 3), entry(constants.NODE_PERFORMANCE_GC_MAJOR, 10)]);
    const values: readonly { metricName?: string; labels: Record<string, string | number>; value: number }[] = (await h.get()).values;
    const countOf = (kind: string): number | undefined => values.find((v) => v.metricName === `${GC_METRIC}_count` && v.labels.kind === kind)?.value;
    expect(countOf('minor')).toBe(2);
    expect(countOf('major')).toBe(1);
    expect((await sumAndCount(registry)).sum).toBeCloseTo(0.015, 9);
  });

  it('matches an independent observer of the same pauses, where observing only the first entry of each list falls short', async () => {
    const metrics = createMetrics();
    let all = 0;
    let firstOnly = 0;
    const witness = new PerformanceObserver((list) => {
      all += list.getEntries().length;
      firstOnly += 1;
    });
    witness.observe({ entryTypes: ['gc'] });
    // A synchronous burst of garbage: many scavenges before any observer runs, so lists hold many entries.
    let keep = 0;
    for (let i = 0; i < 300_000; i++) keep += JSON.stringify({ i, pad: 'x'.repeat(64), list: [i, i + 1, i + 2] }).length;
    await new Promise((r) => setTimeout(r, 200));
    witness.disconnect();
    const { count } = await sumAndCount(metrics.registry);
    expect(keep).toBeGreaterThan(0);
    expect(all).toBeGreaterThan(firstOnly);
    // The metric started observing before the witness, so it saw at least what the witness saw.
    expect(count).toBeGreaterThanOrEqual(all);
  });
});
