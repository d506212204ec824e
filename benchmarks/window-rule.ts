import { compileRule, parseRuleFile, type CompiledRule } from '../src/rules/index.js';

/**
 * A threshold rule that keeps one window per user and never fires: what the
 * state benchmarks (memory per key, restore) fill with windows.
 */
export function windowRule(id: string): CompiledRule {
  const text = `id: ${id}
name: bench
description: one window per user, never firing
version: 1
severity: low
risk_score: 1
scope: {datasets: [okta.system]}
detection:
  sel: {event.action: user.session.start}
  condition: sel
threshold: {count: 1000000, group_by: [user.name], window: 1h}
`;
  const parsed = parseRuleFile(text, 'bench.yml').rule;
  const compiled = parsed ? compileRule(parsed).rule : undefined;
  if (!compiled) throw new Error('bench rule did not compile');
  return compiled;
}
