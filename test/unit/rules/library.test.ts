/**
 * The shipped rule library (issue 14) is deployable content, not samples:
 * every rule carries what an on-call and a detection engineer need, and the
 * catalog in docs/ is what the rules say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/rules/index.js';
import { catalogMarkdown, coverageOf } from '../../../src/rules/verify/index.js';
import { packageRoot } from '../../../src/shared/index.js';

const ruleset = loadRules([join(packageRoot(), 'rules')]);
const TACTIC = /^attack\.[a-z][a-z_-]+$/;
const TECHNIQUE = /^attack\.t\d{4}(\.\d{3})?$/;

/** What a rule lacks of the library's bar, as short words. */
function gaps(r: (typeof ruleset.rules)[number]): string[] {
  const s = r.spec;
  const out: string[] = [];
  if (!s.tags.some((t) => TACTIC.test(t) && !TECHNIQUE.test(t))) out.push('ATT&CK tactic tag');
  if (!s.tags.some((t) => TECHNIQUE.test(t))) out.push('ATT&CK technique tag');
  if ((s.runbook ?? '').trim() === '') out.push('runbook');
  if (s.noise === undefined) out.push('noise');
  if (s.noise !== undefined && s.noise.level !== 'low' && s.suppression === undefined) out.push(`suppression (noise ${s.noise.level})`);
  const e = s.equivalents;
  if (e === undefined || ((e.panther?.length ?? 0) + (e.sigma?.length ?? 0) + (e.elastic?.length ?? 0) === 0 && (e.none ?? '') === '')) out.push('equivalents');
  if (!s.tests.some((t) => t.count > 0)) out.push('a positive test');
  if (!s.tests.some((t) => t.count === 0)) out.push('a negative test');
  return out;
}

describe('the shipped rule library', () => {
  it('has at least 150 rules, all loading', () => {
    expect(ruleset.issues).toEqual([]);
    expect(ruleset.rules.length).toBeGreaterThanOrEqual(150);
  });

  it('has at least 8 rules on every source', () => {
    const thin = Object.entries(coverageOf(ruleset.rules).sources).filter(([, s]) => s.rules < 8).map(([name, s]) => `${name}: ${s.rules}`);
    expect(thin).toEqual([]);
  });

  it('gives every rule ATT&CK tags, a runbook, noise (and suppression when noisy), equivalents, positive and negative tests', () => {
    const lacking = ruleset.rules.map((r) => [r.spec.id, gaps(r)] as const).filter(([, g]) => g.length > 0).map(([id, g]) => `${id}: ${g.join(', ')}`);
    expect(lacking).toEqual([]);
  });

  it('is what docs/rules-catalog.md lists (regenerate: sift rules catalog --write)', () => {
    expect(readFileSync(join(packageRoot(), 'docs', 'rules-catalog.md'), 'utf8')).toBe(catalogMarkdown(ruleset.rules));
  });
});
