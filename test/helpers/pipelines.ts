/**
 * Several real Sift pipelines in one test process: `createPipeline`, the
 * composition root `sift run` itself uses, each built from its own
 * configuration (loaded and validated as `sift run` loads a file). Running
 * them side by side instead of one child process each keeps dozens of
 * isolated pipelines within seconds of wall time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import { createPipeline, type Pipeline } from '../../src/pipeline/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';
import { waitFor } from './stack.js';

export interface InProcessSift {
  readonly pipeline: Pipeline;
  /** Its log lines (JSON, warn and above unless the config says otherwise). */
  logs(): string;
}

/**
 * Builds a pipeline from `config` as `sift run --config <file>` would, minus
 * the environment: SIFT_KAFKA_GROUP_ID or SIFT_RULES_DIR set in the test's
 * environment would otherwise give every pipeline the same group or rules.
 */
export function inProcessSift(config: Record<string, unknown>): InProcessSift {
  const dir = mkdtempSync(join(tmpdir(), 'sift-inproc-'));
  const file = join(dir, 'sift.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const loaded = loadConfig(file, {});
  rmSync(dir, { recursive: true, force: true });
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = createLogger({ level: loaded.telemetry.log_level, format: 'json', destination });
  const pipeline = createPipeline({ config: loaded, log, metrics: createMetrics({ defaultMetrics: false }) });
  return { pipeline, logs: () => text };
}

/**
 * Starts every pipeline at once, waits until each has fully handled (indexed
 * or dead-lettered, alerts written, windows checkpointed) the number of
 * records its topics were given, then stops them all. A pipeline that stops
 * on a fatal error fails the wait at once, with its logs.
 */
export async function runUntilConsumed(runs: readonly { sift: InProcessSift; records: number }[], timeoutMs: number): Promise<void> {
  const stopped = Promise.race(runs.map((r) => r.sift.pipeline.fatal.then((e) => Promise.reject(new Error(`a pipeline stopped: ${e.message}\n${r.sift.logs()}`)))));
  // Rejects only on a fatal error; handled here so a late one is never unhandled.
  stopped.catch(() => undefined);
  try {
    await Promise.race([Promise.all(runs.map((r) => r.sift.pipeline.start())), stopped]);
    const consumed = waitFor(() => runs.every((r) => r.sift.pipeline.stats.consumed >= r.records), timeoutMs, 'every pipeline to handle its records', 100);
    await Promise.race([consumed, stopped]);
  } finally {
    await Promise.all(runs.map((r) => r.sift.pipeline.stop().catch(() => undefined)));
  }
  const off = runs.filter((r) => r.sift.pipeline.stats.consumed !== r.records);
  if (off.length > 0) throw new Error(`pipelines handled more records than produced:\n${off.map((r) => `${r.sift.pipeline.stats.consumed} of ${r.records}:\n${r.sift.logs()}`).join('\n')}`);
}
