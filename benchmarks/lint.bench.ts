import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../src/rules/index.js';
import { comparePair, median, time, type PairResult } from './harness.js';

/**
 * What a hostile or huge rule file costs to lint (issue 13): `loadRules` on
 * one file, as `sift rules lint <file>` runs it (read, YAML parse, check,
 * plan, optimize, emit).
 *
 * - lint.list: a 100,000-value literal list against ten 10,000-value lists,
 *   the same 100,000 values in all. Linear lint makes the ratio about 1; the
 *   quadratic merge it replaced made it about 10.
 * - process: `sift rules lint <file>` on the 100,000-value list as a whole
 *   process (start, module load, lint, exit), what the author waits for.
 * - refusals: the alias bombs of test/unit/rules/yaml-aliases.test.ts, each
 *   refused with one located error (ms per file, median of the rounds).
 */
const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

const HEAD = 'id: bench.lint\nname: Lint bench\ndescription: A large or hostile rule file\nversion: 1\nseverity: low\nscope:\n  datasets: [okta.system]\n';

function listRule(n: number, offset: number): string {
  const values = Array.from({ length: n }, (_, i) => `    - user${offset + i}@example.com`).join('\n');
  return `${HEAD}detection:\n  sel:\n    user.name:\n${values}\n  condition: sel\n`;
}

/** The hostile files: ten levels of ten aliases; 16,000 aliases of one scalar; 300 copies of a 300-field map of one 300-value list. */
function bombs(): Record<string, string> {
  let levels = 'l0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]\n';
  for (let i = 1; i < 10; i++) levels += `l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]\n`;
  const fields = Array.from({ length: 299 }, (_, i) => `      labels.k${i + 1}: *vals`).join('\n');
  return {
    'billion-laughs': `${HEAD}${levels}detection:\n  sel:\n    user.name: *l9\n  condition: sel\n`,
    'aliases-16000': `${HEAD}detection:\n  sel:\n    user.name:\n      - &one alice\n${'      - *one\n'.repeat(16_000)}  condition: sel\n`,
    'selection-300': `${HEAD}detection:\n  base:\n    - &map\n      labels.k0: &vals [${Array.from({ length: 300 }, (_, i) => `v${i}`).join(', ')}]\n${fields}\n  sel:\n${'    - *map\n'.repeat(300)}  condition: sel\n`,
  };
}

export interface LintResult {
  readonly pair: PairResult;
  /** ms to lint the 100,000-value list once (median). */
  readonly list_100k_ms: number;
  /** ms of a whole `sift rules lint` process on that list (median of the rounds). */
  readonly process_100k_ms: number;
  /** ms to refuse each hostile file (median), and the first error it gave. */
  readonly refusals: Readonly<Record<string, { ms: number; error: string }>>;
}

export function benchLint(rounds = 7): LintResult {
  const dir = mkdtempSync(join(tmpdir(), 'sift-lint-bench-'));
  try {
    const big = join(dir, 'list-100k.yml');
    writeFileSync(big, listRule(100_000, 0));
    const small = Array.from({ length: 10 }, (_, k) => {
      const f = join(dir, `list-10k-${k}.yml`);
      writeFileSync(f, listRule(10_000, k * 10_000));
      return f;
    });
    const lint = (file: string): void => {
      const r = loadRules([file]);
      if (r.rules.length !== 1) throw new Error(`${file} did not lint: ${r.issues[0]?.message ?? 'no rule'}`);
    };
    const pair = comparePair('lint.list', 100_000, { name: 'one list of 100,000 values', run: () => lint(big) }, { name: 'ten lists of 10,000 values', run: () => small.forEach(lint) }, rounds, 1);
    const processMs = Array.from({ length: Math.min(rounds, 5) }, () => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [MAIN, 'rules', 'lint', big], { stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0) throw new Error(`sift rules lint ${big} exited ${r.status ?? r.signal}: ${r.stderr.toString()}`);
      return performance.now() - t0;
    });
    const refusals: Record<string, { ms: number; error: string }> = {};
    for (const [name, text] of Object.entries(bombs())) {
      const file = join(dir, `${name}.yml`);
      writeFileSync(file, text);
      let error = '';
      const ms = Array.from({ length: rounds }, () =>
        time(() => {
          const r = loadRules([file]);
          error = r.issues.length === 1 && r.rules.length === 0 ? `${r.issues[0]?.line ?? '?'}:${r.issues[0]?.col ?? '?'} ${r.issues[0]?.message ?? ''}` : `not refused (${r.issues.length} issues)`;
        }) / 1000,
      );
      refusals[name] = { ms: Math.round(median(ms) * 10) / 10, error };
    }
    return { pair, list_100k_ms: Math.round((pair.subject.us_per_item * 100_000) / 1000), process_100k_ms: Math.round(median(processMs)), refusals };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
