/**
 * `sift run` never runs a rule's own test cases, yet they are half of a
 * library's YAML (raw vendor events, written out) and most of the time it
 * takes to load it at start and on every reload. This blanks the top-level
 * `tests:` and `base_event:` sections out of a rule file's text before it is
 * parsed, line for line, so every other position (and every located error)
 * stays where it is. `sift rules lint` and `sift rules test` read them whole.
 *
 * Only a plain block-style file is cut: in a top-level block mapping every
 * line that starts at column 0 (other than a comment or a document marker)
 * is a new key (or a `- ` entry of the key above's list), so a section runs
 * to the next key at column 0. Anything else (a
 * flow-style document, a column-0 line that is not a plain key, an anchor
 * defined inside a section, which text outside it could name) leaves the
 * text whole, which is always correct, only slower.
 */

const SKIPPED = /^(tests|base_event)[ \t]*:/;
const TOP_KEY = /^[A-Za-z_][A-Za-z0-9_-]*[ \t]*:(\s|$)/;
const ENTRY = /^-(\s|$)/;
/** An anchor definition: `&name` after a space, an indicator or the line start (not `?a=1&b=2` in a URL). */
const ANCHOR = /(^|[\s[{,:-])&[^\s,[\]{}]+/;

export function withoutTestSections(text: string): string {
  const lines = text.split('\n');
  let skipping = false;
  let cut = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const c = line.charCodeAt(0);
    const atColumn0 = line.length > 0 && c !== 0x20 && c !== 0x09 && c !== 0x23 && c !== 0x0d;
    // `- item` at column 0 continues the key above it (YAML's indentless sequence under a key).
    if (atColumn0 && !ENTRY.test(line)) {
      if (line.startsWith('---') || line.startsWith('...')) return text;
      if (!TOP_KEY.test(line)) return text;
      skipping = SKIPPED.test(line);
    }
    if (!skipping) continue;
    if (ANCHOR.test(line)) return text;
    lines[i] = '';
    cut = true;
  }
  return cut ? lines.join('\n') : text;
}
