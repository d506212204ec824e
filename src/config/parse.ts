/**
 * Config text → value, with errors that give a position and a reason but
 * never the text itself. The parsers' own messages quote the offending
 * source line (yaml prints a code frame, V8's JSON.parse a snippet), and
 * the line that fails to parse is often the one holding a password.
 */
import { LineCounter, parseDocument, type ErrorCode as YamlCode } from 'yaml';

export interface ParseFailure {
  /** 1-based, when the parser reported where. */
  readonly line?: number;
  readonly column?: number;
  /** A fixed sentence: no character of the source. */
  readonly reason: string;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; failure: ParseFailure };

/** Our own words per yaml error code; yaml's messages can quote source tokens. */
const YAML_REASONS: Partial<Record<YamlCode, string>> = {
  MISSING_CHAR: 'a quote, bracket or brace is not closed',
  BAD_INDENT: 'wrong indentation',
  BLOCK_AS_IMPLICIT_KEY: 'a nested mapping on one line (quote a value that holds ": ")',
  DUPLICATE_KEY: 'a key appears twice in one mapping',
  TAB_AS_INDENT: 'tabs are not allowed as indentation',
  UNEXPECTED_TOKEN: 'unexpected text after a value (quote a value that holds ": ", " #" or quotes)',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines',
  BAD_DQ_ESCAPE: 'a bad escape sequence in a double-quoted string',
  BAD_SCALAR_START: 'a plain value cannot start with this character (quote it)',
  MULTIPLE_DOCS: 'more than one YAML document (---) in the file',
  BLOCK_IN_FLOW: 'a block collection inside [ ] or { }',
  KEY_OVER_1024_CHARS: 'an implicit key longer than 1024 characters',
  NON_STRING_KEY: 'a mapping key that is not a string',
  RESOURCE_EXHAUSTION: 'too many aliases',
};

function parseYaml(text: string): Parsed {
  const lines = new LineCounter();
  // logLevel silent: yaml would otherwise print warnings (an unknown tag) with a code frame through process.emitWarning.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines, logLevel: 'silent' });
  const first = doc.errors[0];
  if (first) {
    const at = lines.linePos(first.pos[0]);
    const reason = `${YAML_REASONS[first.code] ?? 'YAML syntax error'} (YAML ${first.code})`;
    return { ok: false, failure: { line: at.line, column: at.col, reason } };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch {
    // toJS throws for an alias without an anchor, naming the alias.
    return { ok: false, failure: { reason: 'an alias (*name) refers to no anchor before it, or aliases expand too far' } };
  }
}

/**
 * V8's reasons without the snippet: `Unexpected token 'x', "…" is not valid
 * JSON` keeps `Unexpected token`, and `… in JSON at position 7 (line 1 column
 * 8)` gives the position.
 */
function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const at = /at position \d+ \(line (\d+) column (\d+)\)/.exec(message);
    const reason = message
      .replace(/^Unexpected token .*$/s, 'Unexpected token')
      .replace(/ in JSON at position .*$/s, '')
      .replace(/ at position .*$/s, '');
    const safe = /["'`]/.test(reason) && !/^Expected ['"][,:}\]]['"]/.test(reason) ? 'not valid JSON' : reason;
    if (at) return { ok: false, failure: { line: Number(at[1]), column: Number(at[2]), reason: safe } };
    // V8 leaves the position out of some messages; the YAML parser (JSON is
    // nearly a subset) usually finds the same spot.
    const yaml = parseYaml(text);
    const pos = yaml.ok ? undefined : yaml.failure;
    return { ok: false, failure: { ...(pos?.line !== undefined ? { line: pos.line, column: pos.column ?? 1 } : {}), reason: safe } };
  }
}

export function parseConfigText(text: string, json: boolean): Parsed {
  return json ? parseJson(text) : parseYaml(text);
}

/** `line 3, column 8: <reason>`, or the reason alone. */
export function describeParseFailure(f: ParseFailure): string {
  return f.line !== undefined ? `line ${f.line}, column ${f.column ?? 1}: ${f.reason}` : f.reason;
}
