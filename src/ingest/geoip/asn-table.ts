/**
 * The shipped ASN data (`@ip-location-db/asn`: RouteViews, the five RIRs via
 * the NRO, and DB-IP's IP to ASN Lite, CC BY 4.0) is CSV, not MMDB:
 * `start,end,asn,organization` per inclusive range, addresses as numbers
 * (`asn-ipv4-num.csv`, `asn-ipv6-num.csv`), sorted and disjoint. Parsed once
 * at start in one pass over the text into typed arrays (half a million
 * ranges); an organization stays a span of the text until a lookup asks for
 * it. A lookup is one binary search.
 */
import type { PublicAddress } from './address.js';

export interface AsRecord {
  readonly number: number;
  readonly organization?: string;
}

export interface AsnTable {
  lookup(address: PublicAddress): AsRecord | undefined;
  readonly ranges: number;
}

interface Ranges<N> {
  readonly text: string;
  readonly starts: ArrayLike<N>;
  readonly ends: ArrayLike<N>;
  readonly asn: Uint32Array;
  /** Where each range's organization column starts and ends in `text`. */
  readonly orgAt: Uint32Array;
  readonly orgEnd: Uint32Array;
}

const COMMA = 44;
const CR = 13;

/** Parses one `-num.csv` text; `bigint` for IPv6's 128-bit numbers. `file` names it in errors. */
function parseRanges<N extends number | bigint>(text: string, toN: (s: string) => N, file: string): Ranges<N> {
  const starts: N[] = [];
  const ends: N[] = [];
  const asn: number[] = [];
  const orgAt: number[] = [];
  const orgEnd: number[] = [];
  let line = 0;
  for (let at = 0; at < text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    line++;
    const lineEnd = nl > at && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    if (lineEnd > at) {
      const c1 = text.indexOf(',', at);
      const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
      let n = 0;
      let i = c2 + 1;
      for (; i < lineEnd && text.charCodeAt(i) !== COMMA; i++) {
        const d = text.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (c1 < 0 || c2 < 0 || c2 > lineEnd || i === c2 + 1 || (i < lineEnd && text.charCodeAt(i) !== COMMA)) throw new Error(`${file}:${line}: expected start,end,asn,organization`);
      starts.push(toN(text.slice(at, c1)));
      ends.push(toN(text.slice(c1 + 1, c2)));
      asn.push(n);
      orgAt.push(i < lineEnd ? i + 1 : lineEnd);
      orgEnd.push(lineEnd);
    }
    at = nl + 1;
  }
  return { text, starts, ends, asn: Uint32Array.from(asn), orgAt: Uint32Array.from(orgAt), orgEnd: Uint32Array.from(orgEnd) };
}

function search<N extends number | bigint>(r: Ranges<N>, n: N): number {
  let lo = 0;
  let hi = r.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((r.starts[mid] as N) <= n) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && n <= (r.ends[hi] as N) ? hi : -1;
}

/** The organization column: bare, or quoted with "" for a quote (RFC 4180). */
function organizationOf(r: Ranges<number> | Ranges<bigint>, i: number): string {
  const s = r.text.slice(r.orgAt[i], r.orgEnd[i]);
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replaceAll('""', '"') : s;
}

function recordOf(r: Ranges<number> | Ranges<bigint>, i: number): AsRecord | undefined {
  const number = i < 0 ? 0 : (r.asn[i] ?? 0);
  // AS 0 is "not routed" in RouteViews' data: no AS to report.
  if (number === 0) return undefined;
  const organization = organizationOf(r, i);
  return organization === '' ? { number } : { number, organization };
}

/** Builds the table from the texts of `asn-ipv4-num.csv` and `asn-ipv6-num.csv`. */
export function parseAsnCsv(v4Text: string, v6Text: string, names: { v4: string; v6: string }): AsnTable {
  const parsed = parseRanges(v4Text, Number, names.v4);
  // IPv4 numbers fit 32 bits: typed arrays, a quarter of the memory of a JS array.
  const v4: Ranges<number> = { ...parsed, starts: Uint32Array.from(parsed.starts as number[]), ends: Uint32Array.from(parsed.ends as number[]) };
  const v6 = parseRanges(v6Text, BigInt, names.v6);
  return {
    ranges: v4.starts.length + v6.starts.length,
    lookup: (a) => (a.v === 4 ? recordOf(v4, search(v4, a.n)) : recordOf(v6, search(v6, a.n))),
  };
}
