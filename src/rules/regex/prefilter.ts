// Literal prefilter: the longest case-sensitive string every match must contain.
// `String.prototype.includes` (native, vectorized) rejects most non-matching events
// before the automaton runs; a rule like `.*password.*` then costs one substring scan.
// It can only say "no", so any approximation here must err towards a shorter string.

import type { Node } from './ast.js';

interface Facts {
  /** Defined when the node always matches exactly this text. */
  readonly exact: string | undefined;
  /** A substring of every match (possibly ''). */
  readonly must: string;
}

/** Keeps the exact strings of counted repetitions like a{1000} from growing without bound. */
const MAX_LITERAL = 256;

const NONE: Facts = { exact: undefined, must: '' };

function longest(a: string, b: string): string {
  return b.length > a.length ? b : a;
}

function facts(node: Node): Facts {
  switch (node.kind) {
    case 'empty':
    case 'assert': // zero-width: text on both sides is still contiguous
      return { exact: '', must: '' };
    case 'lit':
      return node.caseInsensitive ? NONE : { exact: String.fromCodePoint(node.cp), must: String.fromCodePoint(node.cp) };
    case 'set': {
      const [lo, hi] = node.set;
      if (node.set.length !== 2 || lo === undefined || lo !== hi) return NONE;
      return { exact: String.fromCodePoint(lo), must: String.fromCodePoint(lo) };
    }
    case 'cat':
      return catFacts(node.items);
    case 'alt': {
      const all = node.items.map(facts);
      const first = all[0]?.exact;
      return first !== undefined && all.every((f) => f.exact === first) ? { exact: first, must: first } : NONE;
    }
    case 'rep': {
      if (node.min === 0) return NONE;
      const body = facts(node.body);
      if (node.min === node.max && body.exact !== undefined && body.exact.length * node.min <= MAX_LITERAL) {
        const text = body.exact.repeat(node.min);
        return { exact: text, must: text };
      }
      return { exact: undefined, must: body.must };
    }
  }
}

function catFacts(items: readonly Node[]): Facts {
  let run = ''; // exact text of the current run of exact items
  let exact = true;
  let best = '';
  for (const item of items) {
    const f = facts(item);
    if (f.exact !== undefined && run.length + f.exact.length <= MAX_LITERAL) {
      run += f.exact;
      continue;
    }
    best = longest(best, run);
    if (f.exact !== undefined) {
      run = f.exact.slice(0, MAX_LITERAL); // still contiguous with what follows
    } else {
      run = '';
      best = longest(best, f.must);
    }
    exact = false;
  }
  best = longest(best, run);
  return { exact: exact ? run : undefined, must: best };
}

export interface Prefilter {
  /** Required substring ('' = none). */
  readonly required: string;
  /** The pattern is exactly `required`, with no assertions: includes() IS the answer. */
  readonly wholeLiteral: boolean;
}

function hasAssertion(node: Node): boolean {
  switch (node.kind) {
    case 'assert':
      return true;
    case 'cat':
    case 'alt':
      return node.items.some(hasAssertion);
    case 'rep':
      return hasAssertion(node.body);
    default:
      return false;
  }
}

export function createPrefilter(node: Node): Prefilter {
  const f = facts(node);
  // Assertions count as exact '' above (for contiguity), so a literal with \b or ^ is not "whole".
  // A lone surrogate in the literal could be found inside a pair of the input, where the
  // engine (which reads code points) would not match it: such a literal only prefilters.
  const whole = f.exact !== undefined && f.exact.isWellFormed() && !hasAssertion(node);
  return { required: f.must, wholeLiteral: whole };
}
