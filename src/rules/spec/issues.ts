import type { RuleIssue } from './types.js';

/** `file:line:col [rule-id] path: message`, leaving out the parts an issue does not have. */
export function formatIssue(i: RuleIssue): string {
  const where = i.line === undefined ? i.file : `${i.file}:${i.line}:${i.col ?? 1}`;
  const rule = i.ruleId === undefined ? '' : ` [${i.ruleId}]`;
  const path = i.path === '' ? '' : ` ${i.path}:`;
  return `${where}${rule}${path} ${i.message}`;
}
