import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stack.js';

/** What every fault test reports: nothing lost, nothing duplicated, and how long recovery took. */
export interface FaultFigures {
  produced: number;
  indexed: number;
  dead_lettered: number;
  lost: number;
  duplicated: number;
  recovery_seconds: number;
  [extra: string]: number | string | boolean;
}

const FILE = join(ROOT, 'test-results', 'faults.json');

/** Merges one test's figures into test-results/faults.json (fault tests run one file at a time). */
export function recordFault(name: string, figures: FaultFigures): void {
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  let all: Record<string, FaultFigures> = {};
  try {
    all = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, FaultFigures>;
  } catch {
    all = {};
  }
  all[name] = figures;
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
}
