/**
 * The condition grammar, parsed by hand (no parser generator, no regex on the
 * whole text) so that every error carries the offset it happened at:
 *
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' expr ')' | quant 'of' target | NAME
 *   quant   := '1' | 'any' | 'all'
 *   target  := 'them' | NAME-GLOB            (a glob: `*` matches any run)
 *
 * `not` binds tighter than `and`, which binds tighter than `or` (as in Sigma).
 * Keywords are case-insensitive; selection names are not.
 */
import type { Condition } from './types.js';

export type ConditionResult = { readonly ok: true; readonly condition: Condition } | { readonly ok: false; readonly message: string; readonly offset: number };

interface Token {
  readonly text: string;
  readonly offset: number;
}

/** Nesting beyond this is refused rather than risking the stack on a hostile file. */
const MAX_DEPTH = 64;

const isWordChar = (c: string): boolean => /^[A-Za-z0-9_*-]$/.test(c);

class ConditionError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ text: c, offset: i });
      i++;
    } else if (isWordChar(c)) {
      const start = i;
      while (i < text.length && isWordChar(text[i] ?? '')) i++;
      tokens.push({ text: text.slice(start, i), offset: start });
    } else {
      throw new ConditionError(`unexpected character ${JSON.stringify(c)}`, i);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  private readonly tokens: readonly Token[];
  private readonly end: number;
  constructor(tokens: readonly Token[], end: number) {
    this.tokens = tokens;
    this.end = end;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isWord(word: string): boolean {
    return this.peek()?.text.toLowerCase() === word;
  }

  private fail(message: string): never {
    throw new ConditionError(message, this.peek()?.offset ?? this.end);
  }

  parseAll(): Condition {
    if (this.tokens.length === 0) this.fail('empty condition');
    const cond = this.expr(0);
    const rest = this.peek();
    if (rest !== undefined) this.fail(`unexpected ${JSON.stringify(rest.text)}; expected "and", "or" or the end`);
    return cond;
  }

  private expr(depth: number): Condition {
    const args = [this.and(depth)];
    while (this.isWord('or')) {
      this.pos++;
      args.push(this.and(depth));
    }
    return args.length === 1 && args[0] ? args[0] : { kind: 'or', args };
  }

  private and(depth: number): Condition {
    const args = [this.unary(depth)];
    while (this.isWord('and')) {
      this.pos++;
      args.push(this.unary(depth));
    }
    return args.length === 1 && args[0] ? args[0] : { kind: 'and', args };
  }

  private unary(depth: number): Condition {
    if (depth > MAX_DEPTH) this.fail(`condition nested deeper than ${MAX_DEPTH}`);
    if (this.isWord('not')) {
      this.pos++;
      return { kind: 'not', arg: this.unary(depth + 1) };
    }
    return this.primary(depth);
  }

  private primary(depth: number): Condition {
    const tok = this.peek();
    if (tok === undefined) this.fail('condition ends too early: expected a selection name, "not" or "("');
    if (tok.text === '(') {
      this.pos++;
      const inner = this.expr(depth + 1);
      if (this.peek()?.text !== ')') this.fail('missing ")"');
      this.pos++;
      return inner;
    }
    if (tok.text === ')') this.fail('unexpected ")"');
    const word = tok.text.toLowerCase();
    const next = this.tokens[this.pos + 1]?.text.toLowerCase();
    if ((word === '1' || word === 'any' || word === 'all') && next === 'of') return this.quantified(word === 'all' ? 'all' : 'any');
    if (/^\d+$/.test(word) && next === 'of') this.fail(`"${tok.text} of" is not supported: use "1 of", "any of" or "all of"`);
    if (['and', 'or', 'of', 'them'].includes(word)) this.fail(`unexpected "${tok.text}"`);
    if (tok.text.includes('*')) this.fail(`a glob like "${tok.text}" needs "1 of" or "all of" before it`);
    this.pos++;
    return { kind: 'ref', name: tok.text };
  }

  private quantified(quantifier: 'any' | 'all'): Condition {
    this.pos += 2; // quantifier and `of`
    const target = this.peek();
    if (target === undefined || target.text === '(' || target.text === ')') this.fail('expected "them" or a selection glob after "of"');
    this.pos++;
    const pattern = target.text.toLowerCase() === 'them' ? 'them' : target.text;
    return { kind: 'of', quantifier, pattern };
  }
}

/** Parse a condition; errors carry the character offset inside `text`. */
export function parseCondition(text: string): ConditionResult {
  try {
    return { ok: true, condition: new Parser(tokenize(text), text.length).parseAll() };
  } catch (e) {
    if (e instanceof ConditionError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

/** Glob over selection names: `*` matches any run of characters, nothing else is special. */
export function globMatch(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (parts.length === 1) return name === pattern;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let at = first.length;
  const stop = name.length - last.length;
  for (const mid of parts.slice(1, -1)) {
    const found = name.indexOf(mid, at);
    if (found < 0 || found + mid.length > stop) return false;
    at = found + mid.length;
  }
  return true;
}

/** Selection names an `of` pattern stands for, in declaration order. */
export function expandOf(pattern: string, names: readonly string[]): string[] {
  return pattern === 'them' ? [...names] : names.filter((n) => globMatch(pattern, n));
}

/** Every problem with the names a condition uses, with a hint where one helps. */
export function checkConditionNames(cond: Condition, names: readonly string[]): string[] {
  switch (cond.kind) {
    case 'ref':
      return names.includes(cond.name) ? [] : [`unknown selection "${cond.name}"${hint(cond.name, names)}`];
    case 'of':
      return expandOf(cond.pattern, names).length > 0 ? [] : [`"${cond.pattern}" matches no selection`];
    case 'not':
      return checkConditionNames(cond.arg, names);
    case 'and':
    case 'or':
      return cond.args.flatMap((a) => checkConditionNames(a, names));
  }
}

function hint(name: string, names: readonly string[]): string {
  const lower = name.toLowerCase();
  const close = names.find((n) => n.toLowerCase() === lower || n.toLowerCase().startsWith(lower) || lower.startsWith(n.toLowerCase()));
  return close === undefined ? ` (selections: ${names.join(', ')})` : ` (did you mean "${close}"?)`;
}
