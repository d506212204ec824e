/**
 * CIDR matching without regexes: rule CIDRs are parsed once at compile time,
 * event addresses are parsed by hand into eight 16-bit groups. IPv4 is held
 * as IPv4-mapped IPv6 (::ffff:a.b.c.d), so an IPv4 CIDR also matches the
 * mapped form of its addresses, as Elasticsearch's ip type does.
 */

export interface CidrMatcher {
  test(ip: string): boolean;
  readonly source: string;
}

interface Prefix {
  readonly groups: Uint16Array;
  readonly bits: number;
}

function parseV4(s: string, out: Uint16Array, at: number): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  const bytes: number[] = [];
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || (p.length > 1 && p[0] === '0')) return false;
    let v = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return false;
      v = v * 10 + c;
    }
    if (v > 255) return false;
    bytes.push(v);
  }
  out[at] = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
  out[at + 1] = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  return true;
}

function parseGroup(g: string): number | undefined {
  if (g.length === 0 || g.length > 4) return undefined;
  let v = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return undefined;
    v = v * 16 + d;
  }
  return v;
}

/** Fills `out` with the groups of one side of `::` (an embedded IPv4 counts as two). */
function parseSide(s: string, out: number[], allowV4: boolean): boolean {
  if (s === '') return true;
  const groups = s.split(':');
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] ?? '';
    if (allowV4 && i === groups.length - 1 && g.includes('.')) {
      const buf = new Uint16Array(2);
      if (!parseV4(g, buf, 0)) return false;
      out.push(buf[0] ?? 0, buf[1] ?? 0);
      return true;
    }
    const v = parseGroup(g);
    if (v === undefined) return false;
    out.push(v);
  }
  return true;
}

function parseV6(s: string, out: Uint16Array): boolean {
  if (s.length > 45 || s.includes('%')) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const head: number[] = [];
  const tail: number[] = [];
  if (halves.length === 1) {
    if (!parseSide(s, head, true) || head.length !== 8) return false;
  } else {
    if (!parseSide(halves[0] ?? '', head, false) || !parseSide(halves[1] ?? '', tail, true)) return false;
    if (head.length + tail.length > 7) return false;
  }
  out.fill(0);
  head.forEach((v, i) => (out[i] = v));
  tail.forEach((v, i) => (out[8 - tail.length + i] = v));
  return true;
}

/** An IPv4 or IPv6 address into `out` (eight groups); false when it is not one. */
export function parseIp(s: string, out: Uint16Array): boolean {
  if (s.includes(':')) return parseV6(s, out);
  out.fill(0, 0, 5);
  out[5] = 0xffff;
  return parseV4(s, out, 6);
}

function inPrefix(ip: Uint16Array, p: Prefix): boolean {
  let bits = p.bits;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((ip[i] ?? 0) & mask) !== ((p.groups[i] ?? 0) & mask)) return false;
    bits -= 16;
  }
  return true;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). */
export function parseCidr(text: string): Prefix | { error: string } {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const groups = new Uint16Array(8);
  if (!parseIp(addr, groups)) return { error: `"${addr}" is not an IPv4 or IPv6 address` };
  const v4 = !addr.includes(':');
  const max = v4 ? 32 : 128;
  const lenText = slash < 0 ? String(max) : text.slice(slash + 1);
  const len = /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
  if (!(len >= 0 && len <= max)) return { error: `"/${lenText}" is not a prefix length from 0 to ${max}` };
  return { groups, bits: v4 ? 96 + len : len };
}

/** One matcher for a list of CIDRs (any of them). */
export function createCidrMatcher(cidrs: readonly string[]): CidrMatcher | { error: string } {
  const prefixes: Prefix[] = [];
  for (const c of cidrs) {
    const p = parseCidr(c);
    if ('error' in p) return { error: `cidr ${JSON.stringify(c)}: ${p.error}` };
    prefixes.push(p);
  }
  // Per matcher, not per module: a matcher never re-enters itself, and two never share.
  const scratch = new Uint16Array(8);
  return {
    source: cidrs.join(', '),
    test(ip: string): boolean {
      if (typeof ip !== 'string' || !parseIp(ip, scratch)) return false;
      for (const p of prefixes) if (inPrefix(scratch, p)) return true;
      return false;
    },
  };
}
