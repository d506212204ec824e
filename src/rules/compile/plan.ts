/**
 * The plan as text, for `sift rules explain`: one node per line, indented,
 * literals JSON-encoded (so odd characters in a rule stay visible and on one line).
 */
import type { Node, Test } from './ir.js';

const MAX_SHOWN = 12;

function list(xs: readonly (string | number | boolean)[]): string {
  const shown = xs.slice(0, MAX_SHOWN).map((x) => JSON.stringify(x));
  return `[${shown.join(', ')}${xs.length > MAX_SHOWN ? `, … ${xs.length - MAX_SHOWN} more` : ''}]`;
}

export function describeTest(t: Test): string {
  const f = fieldOf(t);
  switch (t.op) {
    case 'eq': {
      const all = [...t.strings, ...t.numbers, ...t.bools];
      return `${f} ${all.length > 1 ? 'in set' : 'equals'} ${list(all)}${t.cased ? ' cased' : ''}`;
    }
    case 'contains':
    case 'startswith':
    case 'endswith':
      return `${f} ${t.op} ${t.values.length > 1 ? 'any of ' : ''}${list(t.values)}${t.cased ? ' cased' : ''}`;
    case 're':
      return `${f} matches regex ${JSON.stringify(t.source)}${t.caseInsensitive ? ' (ignoring case)' : ''}${t.fold ? ' on lowercased text' : ''}`;
    case 'cidr':
      return `${f} in cidr ${list(t.cidrs)}`;
    case 'lookup': {
      const column = t.column === undefined ? '' : ` column ${JSON.stringify(t.column)} ${t.compare === undefined ? 'not empty' : `${t.compare.op} ${list(t.compare.values)}`}`;
      return `${f} in lookup ${JSON.stringify(t.table.name)} (${t.table.kind}, ${t.table.size} rows)${column}${t.cased ? ' cased' : ''}`;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `${f} ${t.op} ${t.date ? new Date(t.value).toISOString() : String(t.value)}`;
    case 'exists':
      return `${f} exists`;
    case 'fieldcmp':
      return `${f}${t.transform ? `|${t.transform}` : ''} ${t.cmp} field ${JSON.stringify(t.other)}${t.otherTransform ? `|${t.otherTransform}` : ''}${t.cased ? ' cased' : ''}`;
  }
}

/** `"user.email"|domain`: the field as a test reads it. */
function fieldOf(t: Test): string {
  const f = JSON.stringify(t.field);
  return t.op !== 'fieldcmp' && 'transform' in t && t.transform !== undefined ? `${f}|${t.transform}` : f;
}

export function printPlan(n: Node, indent = ''): string[] {
  switch (n.kind) {
    case 'const':
      return [`${indent}${n.value ? 'true' : 'false'}`];
    case 'test':
      return [`${indent}${describeTest(n.test)}`];
    case 'not':
      return [`${indent}not`, ...printPlan(n.arg, `${indent}  `)];
    case 'and':
    case 'or':
      return [`${indent}${n.kind}`, ...n.args.flatMap((a) => printPlan(a, `${indent}  `))];
    case 'elem':
      return [`${indent}${JSON.stringify(n.field)} any element`, ...printPlan(n.arg, `${indent}  `)];
  }
}
