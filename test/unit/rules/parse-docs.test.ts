/**
 * docs/rules.md and the parser must not drift apart: every key the parser
 * accepts is documented, and the worked example is a valid rule whose plan
 * is the one the document shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { BLOCK_KEYS, compileRule, formatIssue, MODIFIERS, parseRuleFile, TOP_LEVEL_KEYS } from '../../../src/rules/index.js';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/rules.md'), 'utf8');

/** Keys documented as the first cell of a table row: | `key` | … */
const documentedRows = new Set([...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));

describe('docs/rules.md documents the format', () => {
  it('every top-level key', () => {
    const missing = TOP_LEVEL_KEYS.filter((k) => !documentedRows.has(k));
    expect(missing).toEqual([]);
  });

  it('every key of every block', () => {
    const missing: string[] = [];
    for (const [block, keys] of Object.entries(BLOCK_KEYS)) {
      for (const k of keys) {
        // Keys of tests[] are documented with their full path; the others in their block's table.
        const path = block.startsWith('tests') || block === 'sequence.steps[]' ? `${block.replace('sequence.', '')}.${k}` : k;
        if (!documentedRows.has(path) && !documentedRows.has(k)) missing.push(`${block}.${k}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every modifier', () => {
    const modifierCells = doc.match(/^\| `[^|]+` \| (operator|flag)/gm)?.join('\n') ?? '';
    expect(MODIFIERS.filter((m) => !modifierCells.includes(`\`${m}\``))).toEqual([]);
  });

  it('no key the parser refuses', () => {
    const topTable = doc.slice(doc.indexOf('## Top-level keys'), doc.indexOf('### `scope`'));
    const rows = [...topTable.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows.filter((k) => !(TOP_LEVEL_KEYS as readonly (string | undefined)[]).includes(k))).toEqual([]);
  });
});

describe('the worked example', () => {
  const section = doc.slice(doc.indexOf('## A complete example'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const plan = /```\n([\s\S]*?)```/.exec(section.slice(section.indexOf('What it compiles to')))?.[1] ?? '';

  it('parses and compiles without issues, with the plan the document shows', () => {
    const parsed = parseRuleFile(yaml, 'docs/rules.md');
    expect(parsed.issues.map(formatIssue)).toEqual([]);
    const compiled = compileRule(parsed.rule as NonNullable<typeof parsed.rule>);
    expect(compiled.issues.map(formatIssue)).toEqual([]);
    const rule = compiled.rule;
    expect(rule?.actions).toEqual(['user.authentication.auth_via_mfa']);
    const step1 = rule?.plan.split('\n').slice(1).join('\n').split('\nstep 2')[0] ?? '';
    expect(step1.replace(/^ {2}/gm, '')).toBe(plan.trimEnd());
  });

  it("its test events reach the steps they are meant for", () => {
    const parsed = parseRuleFile(yaml, 'docs/rules.md');
    const rule = compileRule(parsed.rule as NonNullable<typeof parsed.rule>).rule;
    const events = parsed.rule?.tests[0]?.events.map((e) => e.value as unknown as EcsEvent) ?? [];
    expect(events.map((e) => rule?.steps.map((s) => s(e)))).toEqual([
      [true, false],
      [true, false],
      [true, false],
      [false, true],
    ]);
    const office = parsed.rule?.tests[1]?.events[0]?.value as unknown as EcsEvent;
    expect(rule?.steps[0]?.(office)).toBe(false);
  });
});
