/**
 * Sigma's `re|m` and `re|s` flags change only what `^`/`$` and `.` match.
 * Sift's regexes take no such flags, so a flag converts only when the
 * pattern has no token it would change (then dropping it is exact).
 */

export interface RegexTokens {
  /** `^` or `$` outside a character class. */
  readonly anchors: boolean;
  /** `.` outside a character class. */
  readonly dot: boolean;
}

export function regexTokens(pattern: string): RegexTokens {
  let anchors = false;
  let dot = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      i++; // an escaped character is literal (or a class like \d), never an anchor or a dot
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // `[]…]` and `[^]…]`: a leading `]` is literal.
      if (pattern.charAt(i + 1) === '^') i++;
      if (pattern.charAt(i + 1) === ']') i++;
    } else if (c === '^' || c === '$') anchors = true;
    else if (c === '.') dot = true;
  }
  return { anchors, dot };
}
