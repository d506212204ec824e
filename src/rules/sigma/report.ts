/**
 * The import report: the JSON contract of `sift rules import-sigma --json`
 * (total, converted, unsupported first; per-source and per-kind counts
 * after) and its human rendering.
 */
import type { ConvertResult, UnsupportedKind } from './types.js';

export interface ReportEntry {
  /** The Sigma file, relative to the import root. */
  readonly path: string;
  readonly result: ConvertResult;
  /** Where the converted rule was written. */
  readonly out?: string;
}

export interface ProductCounts {
  total: number;
  converted: number;
  unsupported: number;
}

export interface ImportReport {
  readonly total: number;
  readonly converted: number;
  readonly unsupported: readonly { readonly path: string; readonly reason: string }[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  readonly by_product: Readonly<Record<string, ProductCounts>>;
  readonly by_kind: Readonly<Partial<Record<UnsupportedKind, number>>>;
  readonly written: readonly { readonly path: string; readonly id: string; readonly out: string }[];
}

export function buildReport(entries: readonly ReportEntry[], skipped: ImportReport['skipped']): ImportReport {
  const byProduct: Record<string, ProductCounts> = {};
  const byKind: Partial<Record<UnsupportedKind, number>> = {};
  const unsupported: { path: string; reason: string }[] = [];
  const written: { path: string; id: string; out: string }[] = [];
  for (const e of entries) {
    const product = e.result.ok ? e.result.rule.product : e.result.product;
    const counts = (byProduct[product] ??= { total: 0, converted: 0, unsupported: 0 });
    counts.total++;
    if (e.result.ok) {
      counts.converted++;
      if (e.out !== undefined) written.push({ path: e.path, id: e.result.rule.doc.id, out: e.out });
    } else {
      counts.unsupported++;
      byKind[e.result.kind] = (byKind[e.result.kind] ?? 0) + 1;
      unsupported.push({ path: e.path, reason: e.result.reason });
    }
  }
  const sorted = Object.fromEntries(Object.entries(byProduct).sort(([a], [b]) => a.localeCompare(b)));
  return {
    total: entries.length,
    converted: entries.length - unsupported.length,
    unsupported,
    skipped,
    by_product: sorted,
    by_kind: byKind,
    written,
  };
}

const pad = (s: string | number, n: number, right = false): string => (right ? String(s).padStart(n) : String(s).padEnd(n));

export function formatReport(r: ImportReport, outDir: string | undefined): string {
  const products = Object.entries(r.by_product);
  const width = Math.max(6, ...products.map(([p]) => p.length));
  const row = (name: string, c: ProductCounts): string => `  ${pad(name, width)}  ${pad(c.total, 5, true)}  ${pad(c.converted, 9, true)}  ${pad(c.unsupported, 11, true)}`;
  const lines = [
    `Sigma import: ${r.total} rules, ${r.converted} converted, ${r.unsupported.length} unsupported.`,
    '',
    `  ${pad('source', width)}  ${pad('total', 5, true)}  ${pad('converted', 9, true)}  ${pad('unsupported', 11, true)}`,
    ...products.map(([p, c]) => row(p, c)),
    row('all', { total: r.total, converted: r.converted, unsupported: r.unsupported.length }),
  ];
  if (r.unsupported.length > 0) lines.push('', 'Unsupported:', ...r.unsupported.map((u) => `  ${u.path}: ${u.reason}`));
  if (r.skipped.length > 0) lines.push('', 'Skipped folders:', ...r.skipped.map((s) => `  ${s.path} ${s.reason}`));
  if (outDir !== undefined) lines.push('', `Wrote ${r.written.length} rule files under ${outDir}.`);
  return lines.join('\n');
}
