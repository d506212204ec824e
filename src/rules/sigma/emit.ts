/**
 * The Sift rule document → YAML text. Strings are written with YAML 1.1
 * quoting (so `NO`, `on`, `12:30` stay strings for 1.1 and 1.2 readers
 * alike), keys in the order of docs/rules.md, no line folding.
 */
import { Document } from 'yaml';
import type { SiftRuleDoc } from './types.js';

export function emitRule(doc: SiftRuleDoc, header: readonly string[]): string {
  const out = new Document(doc, { version: '1.1' });
  out.commentBefore = header.map((line) => ` ${line}`).join('\n');
  return out.toString({ lineWidth: 0, indentSeq: true });
}
