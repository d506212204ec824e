/**
 * Sigma string values: plain text with two wildcards, `*` (any run) and
 * `?` (one character). A backslash escapes `*`, `?` and itself; before any
 * other character it is a literal backslash (Sigma specification, "Value
 * escaping"; the same reading as pySigma's SigmaString). Sift's equals
 * values use the same wildcards and escapes (docs/rules.md), so a value is
 * parsed once here and written back in Sift's canonical form.
 */

export type Piece = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'any' } | { readonly kind: 'one' };

export type SigmaString = readonly Piece[];

const SPECIAL = new Set(['*', '?', '\\']);

export function parseSigmaString(s: string): SigmaString {
  const out: Piece[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') out.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '\\') {
      const next = s.charAt(i + 1);
      if (SPECIAL.has(next)) {
        text += next;
        i++;
      } else text += c;
    } else if (c === '*' || c === '?') {
      flush();
      out.push({ kind: c === '*' ? 'any' : 'one' });
    } else text += c;
  }
  flush();
  return out;
}

export const hasWildcards = (s: SigmaString): boolean => s.some((p) => p.kind !== 'text');

/** The text of a wildcard-free value. */
export const plainText = (s: SigmaString): string => s.map((p) => (p.kind === 'text' ? p.text : '')).join('');

/** True when the literal text holds a character Sift's equals would read as a wildcard or escape. */
export const hasSpecialText = (s: SigmaString): boolean => s.some((p) => p.kind === 'text' && [...SPECIAL].some((c) => p.text.includes(c)));

/** Sift's equals form: wildcards as `*`/`?`, literal `*`, `?`, `\` escaped; `**` is `*`. */
export function toSiftPattern(s: SigmaString): string {
  return s.filter((p, i) => !(p.kind === 'any' && s[i - 1]?.kind === 'any')).map((p) => (p.kind === 'any' ? '*' : p.kind === 'one' ? '?' : p.text.replace(/[\\*?]/g, (c) => `\\${c}`))).join('');
}

export const ANY: Piece = { kind: 'any' };
