/**
 * YAML 1.1 as PyYAML's safe loader reads it, which is how SigmaHQ's own
 * tooling (pySigma) reads rules:
 * - `yes`/`no`/`on`/`off` are booleans, but `y` and `n` are strings (PyYAML
 *   leaves them out of the 1.1 bool set, the `yaml` package keeps them);
 * - ints and floats are PyYAML's resolver regexes and constructors
 *   (yaml/resolver.py, yaml/constructor.py), not the `yaml` package's looser
 *   1.1 ones: a float needs a dot, and its exponent a sign (`1.0e+3` is 1000,
 *   `1e3` and `1.0e3` are strings), `.5` is a float but `-.5` a string, and a
 *   decimal int has no leading zero (`09` is a string, `017` octal 15).
 */
import { parseAllDocuments, type Document, type LineCounter, type ScalarTag, type Tags } from 'yaml';

const PYYAML_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PYYAML_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

/** PyYAML 6 resolver.py, `tag:yaml.org,2002:int`, verbatim but for the `re.X` whitespace. */
const PYYAML_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
/** PyYAML 6 resolver.py, `tag:yaml.org,2002:float`, likewise. */
const PYYAML_FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';

/** Sign and the rest, underscores dropped (both constructors start so). */
function signed(text: string): { sign: 1 | -1; body: string } {
  const v = text.replace(/_/g, '');
  const sign = v.startsWith('-') ? -1 : 1;
  return { sign, body: v.startsWith('-') || v.startsWith('+') ? v.slice(1) : v };
}

/**
 * PyYAML's construct_yaml_int. Python ints are unbounded; a JS number is
 * exact to 2^53, so a larger value stays the decimal text of its exact value
 * (a string: Sift then compares it as text, never as a rounded number).
 */
function pyInt(text: string, onError: (message: string) => void): number | string {
  const { sign, body } = signed(text);
  const digits = (prefix: string, rest: string): bigint | undefined => {
    if (rest === '') onError(`PyYAML cannot read ${JSON.stringify(text)} as an int (no digits)`);
    return rest === '' ? undefined : BigInt(`${prefix}${rest}`);
  };
  let n: bigint | undefined;
  if (body === '0') n = 0n;
  else if (body.startsWith('0b')) n = digits('0b', body.slice(2));
  else if (body.startsWith('0x')) n = digits('0x', body.slice(2));
  else if (body.startsWith('0')) n = BigInt(`0o${body.slice(1)}`);
  else if (body.includes(':')) n = body.split(':').reduce((acc, part) => acc * 60n + BigInt(part), 0n);
  else n = BigInt(body);
  if (n === undefined) return text;
  const value = sign < 0 ? -n : n;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** PyYAML's construct_yaml_float (lower-cased; sexagesimal parts summed from the right, as it does). */
function pyFloat(text: string): number {
  const { sign, body } = signed(text.toLowerCase());
  if (body === '.inf') return sign * Infinity;
  if (body === '.nan') return NaN;
  if (body.includes(':')) {
    let value = 0;
    let base = 1;
    for (const part of body.split(':').reverse()) {
      value += Number(part) * base;
      base *= 60;
    }
    return sign * value;
  }
  return sign * Number(body);
}

const isNumberTag = (t: Tags[number]): boolean => typeof t !== 'string' && (t.tag === INT_TAG || t.tag === FLOAT_TAG);

const PYYAML_NUMBERS: ScalarTag[] = [
  { tag: INT_TAG, default: true, identify: () => false, test: PYYAML_INT, resolve: (s, onError) => pyInt(s, onError) },
  { tag: FLOAT_TAG, default: true, identify: () => false, test: PYYAML_FLOAT, resolve: (s) => pyFloat(s) },
];

function pyyamlTags(tags: Tags): Tags {
  const first = tags.findIndex(isNumberTag);
  const out = tags.map((t) => {
    if (typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:bool' || !('test' in t) || t.test === undefined) return t;
    return { ...t, test: t.identify?.(true) === true ? PYYAML_TRUE : PYYAML_FALSE };
  });
  // The `yaml` package's int, float and sexagesimal tags give way to PyYAML's two, at the same place.
  return [...out.slice(0, first).filter((t) => !isNumberTag(t)), ...PYYAML_NUMBERS, ...out.slice(first).filter((t) => !isNumberTag(t))];
}

export function parseSigmaYaml(text: string, lineCounter?: LineCounter): Document.Parsed[] {
  const docs = parseAllDocuments(text, { version: '1.1', customTags: pyyamlTags, ...(lineCounter === undefined ? {} : { lineCounter }) });
  return Array.isArray(docs) ? docs : [];
}
