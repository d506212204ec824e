/**
 * Sigma wildcards in string values: `*` is any run of characters, `?` exactly
 * one; `\*`, `\?` and `\\` are the literal characters, and a backslash before
 * anything else is itself literal (so Windows paths need no doubling).
 * A pattern becomes the cheapest test that means the same thing.
 */

type Piece = { readonly kind: 'lit'; readonly text: string } | { readonly kind: 'star' } | { readonly kind: 'one' };

export type GlobPlan =
  | { readonly kind: 'equals'; readonly text: string }
  | { readonly kind: 'startswith' | 'endswith' | 'contains'; readonly text: string }
  /** A regex source for the linear engine, anchored at both ends, `.` matching newlines too. */
  | { readonly kind: 'regex'; readonly source: string };

function pieces(pattern: string): Piece[] {
  const out: Piece[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit !== '') out.push({ kind: 'lit', text: lit });
    lit = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    const next = pattern[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      lit += next;
      i++;
    } else if (c === '*') {
      flush();
      // `**` means the same as `*`.
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') {
      flush();
      out.push({ kind: 'one' });
    } else {
      lit += c;
    }
  }
  flush();
  return out;
}

/** Escapes every ASCII punctuation character: the regex engine reads `\<punct>` as the character itself. */
export function escapeRegex(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    const punct = (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
    out += punct ? `\\${ch}` : ch;
  }
  return out;
}

/** Literal value of a pattern with no wildcards (escapes removed). */
export function unescapeGlob(pattern: string): string {
  return pieces(pattern)
    .map((p) => (p.kind === 'lit' ? p.text : ''))
    .join('');
}

/**
 * `mode` is the operator the pattern came with: contains/startswith/endswith
 * add their stars as pieces (not as text, so a trailing `\` stays a literal
 * backslash instead of escaping the added star).
 */
export function planGlob(pattern: string, mode: 'equals' | 'contains' | 'startswith' | 'endswith' = 'equals'): GlobPlan {
  const ps = pieces(pattern);
  if ((mode === 'contains' || mode === 'endswith') && ps[0]?.kind !== 'star') ps.unshift({ kind: 'star' });
  if ((mode === 'contains' || mode === 'startswith') && ps[ps.length - 1]?.kind !== 'star') ps.push({ kind: 'star' });
  const first = ps[0];
  const last = ps[ps.length - 1];
  const lits = ps.filter((p) => p.kind === 'lit');
  const text = lits.map((p) => (p.kind === 'lit' ? p.text : '')).join('');
  const hasOne = ps.some((p) => p.kind === 'one');
  const stars = ps.filter((p) => p.kind === 'star').length;
  if (stars === 0 && !hasOne) return { kind: 'equals', text };
  if (!hasOne && lits.length <= 1) {
    const lead = first?.kind === 'star';
    const trail = last?.kind === 'star';
    // `*` alone is contains "" (any text), `*x*` contains, `x*` startswith, `*x` endswith.
    if (lead && trail) return { kind: 'contains', text };
    if (trail) return { kind: 'startswith', text };
    if (lead) return { kind: 'endswith', text };
  }
  const body = ps.map((p) => (p.kind === 'lit' ? escapeRegex(p.text) : p.kind === 'star' ? '.*' : '.')).join('');
  return { kind: 'regex', source: `(?s)^${body}$` };
}
