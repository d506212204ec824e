import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/corpus beside the repository (read-only, never edited), or SIFT_CORPUS when set. */
export const CORPUS = process.env['SIFT_CORPUS'] ? `${process.env['SIFT_CORPUS'].replace(/\/+$/, '')}/` : fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

export function corpusAvailable(): boolean {
  return existsSync(CORPUS);
}

export interface ExpectedPair {
  input: string;
  expected: Record<string, unknown>[];
}

export function elasticExpected(pkg: string, stream: string, file: string): ExpectedPair {
  const dir = join(CORPUS, 'elastic', pkg, stream);
  const input = readFileSync(join(dir, file), 'utf8');
  const expected = (JSON.parse(readFileSync(join(dir, `${file}-expected.json`), 'utf8')) as { expected: Record<string, unknown>[] }).expected;
  return { input, expected };
}

export interface PantherTest {
  name: string;
  expected: boolean;
  log: unknown;
}

/** Every Panther test event of the rule folders given. */
export function pantherLogs(...folders: string[]): { rule: string; test: PantherTest }[] {
  const out: { rule: string; test: PantherTest }[] = [];
  for (const folder of folders) {
    const dir = join(CORPUS, 'panther', folder);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const rule = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { rule_id: string; tests: PantherTest[] };
      for (const test of rule.tests) out.push({ rule: rule.rule_id, test });
    }
  }
  return out;
}
