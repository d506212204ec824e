import type { RuleIssue, RuleSpec } from '../spec/index.js';
import type { Problem } from './lower.js';

/**
 * A compiler problem as a located issue: the position of its path in the
 * file, or of the nearest enclosing path the parser recorded.
 */
export function toIssue(spec: RuleSpec, p: Problem): RuleIssue {
  let path = p.path;
  let pos = spec.locations?.get(path);
  while (pos === undefined && path !== '') {
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut < 0 ? '' : path.slice(0, cut);
    pos = spec.locations?.get(path);
  }
  return { file: spec.file, ruleId: spec.id, path: p.path, ...(pos === undefined ? {} : { line: pos.line, col: pos.col }), message: p.message };
}
