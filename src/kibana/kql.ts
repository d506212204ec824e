import type { Where } from './spec.js';

/** A KQL string literal: quotes and backslashes escaped, so a value never breaks out. */
function literal(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `a : "x" and b : ("y" or "z")`, the Lens layer query for these filters; '' for none. */
export function kqlOf(where: readonly Where[] = []): string {
  return where
    .map((w) => (w.values.length === 1 ? `${w.field} : ${literal(w.values[0] ?? '')}` : `${w.field} : (${w.values.map(literal).join(' or ')})`))
    .join(' and ');
}
