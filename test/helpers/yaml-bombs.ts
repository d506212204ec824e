/**
 * Hostile YAML for the alias tests (issue 13): written out here, by hand, so
 * the tests can count what each alias stands for.
 */

/**
 * Ten levels of ten, as top-level keys `x0` … `x9` after `head`: `*a0` stands
 * for 11 nodes (a list of 10 scalars), `*a1` for 111, `*a9` for
 * 11,111,111,111. `x3: &a3 [` is 9 characters and each `*a2, ` 5.
 */
export function billionLaughs(head: string, tail: string): string {
  const levels = ['x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 9; i++) levels.push(`x${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  return `${head}${levels.join('\n')}\n${tail}`;
}
