/**
 * A Sigma modifier chain (`field|base64offset|contains|all`) read into what
 * Sift needs: one operator, the value transforms to run first, and flags.
 *
 * Names and meaning: Sigma specification appendix_modifier.md (v2.0.0) and
 * pySigma's modifier table (aliases ignorecase/multiline/dotall, time parts).
 * Sift's operators and flags: docs/rules.md.
 */
import { ok, unsupported, UnsupportedKind, type Step } from './types.js';

export const OPERATORS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'exists', 'gt', 'gte', 'lt', 'lte'] as const;
export type SigmaOperator = (typeof OPERATORS)[number] | 'equals';

export const TRANSFORMS = ['base64', 'base64offset', 'windash'] as const;
export type Transform = (typeof TRANSFORMS)[number];

export type RegexFlag = 'i' | 'm' | 's';

const REGEX_FLAGS: Readonly<Record<string, RegexFlag>> = { i: 'i', ignorecase: 'i', m: 'm', multiline: 'm', s: 's', dotall: 's' };

const UTF16 = 'encodes the value as UTF-16 bytes, which only binary (Windows) logs carry; JSON audit logs hold text';
const TIME_PART = 'compares a part of a timestamp (minute, hour, …), which Sift rules cannot express';

/** Modifiers Sigma defines that Sift cannot honour, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  expand: 'expands %placeholders% to site-specific values; fill them in and drop |expand first',
  fieldref: 'compares two fields of one event; Sift tests fields against literal values',
  wide: UTF16,
  utf16: UTF16,
  utf16le: UTF16,
  utf16be: UTF16,
  neq: 'is a not-equal test inside a selection; Sift negates whole selections (write a filter selection)',
  minute: TIME_PART,
  hour: TIME_PART,
  day: TIME_PART,
  week: TIME_PART,
  month: TIME_PART,
  year: TIME_PART,
};

export interface Chain {
  readonly op: SigmaOperator;
  /** In the order written; Sigma applies them before the operator. */
  readonly transforms: readonly Transform[];
  readonly all: boolean;
  readonly cased: boolean;
  readonly flags: ReadonlySet<RegexFlag>;
}

const isOperator = (m: string): m is (typeof OPERATORS)[number] => (OPERATORS as readonly string[]).includes(m);
const isTransform = (m: string): m is Transform => (TRANSFORMS as readonly string[]).includes(m);

/** Operators Sigma applies only to a value no other modifier changed. */
const BARE_OPERATORS: ReadonlySet<SigmaOperator> = new Set(['re', 'cidr', 'exists', 'gt', 'gte', 'lt', 'lte']);

export function readChain(modifiers: readonly string[]): Step<Chain> {
  let op: SigmaOperator = 'equals';
  const transforms: Transform[] = [];
  const flags = new Set<RegexFlag>();
  let all = false;
  let cased = false;
  for (const raw of modifiers) {
    const m = raw.toLowerCase();
    const refused = Object.hasOwn(REFUSED, m) ? REFUSED[m] : undefined;
    if (refused !== undefined) return unsupported(UnsupportedKind.modifier, `modifier ${m} ${refused}`);
    if (isOperator(m)) {
      if (op !== 'equals' && op !== m) return unsupported(UnsupportedKind.modifier, `modifiers ${op} and ${m} both set the operator`);
      op = m;
    } else if (isTransform(m)) transforms.push(m);
    else if (Object.hasOwn(REGEX_FLAGS, m)) flags.add(REGEX_FLAGS[m] as RegexFlag);
    else if (m === 'all') all = true;
    else if (m === 'cased') cased = true;
    else return unsupported(UnsupportedKind.modifier, `unknown modifier ${raw}`);
  }
  if (flags.size > 0 && op !== 're') return unsupported(UnsupportedKind.modifier, `regex flags (${[...flags].join(', ')}) need the re modifier`);
  if (BARE_OPERATORS.has(op) && transforms.length > 0) {
    return unsupported(UnsupportedKind.modifier, `modifier ${op} applies only to an unmodified value, not after ${transforms.join(', ')}`);
  }
  if (op === 're' && cased && flags.has('i')) return unsupported(UnsupportedKind.modifier, 'modifiers cased and re|i contradict each other');
  return ok({ op, transforms, all, cased: cased && op !== 're', flags });
}
