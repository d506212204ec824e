/**
 * IP addresses as the GeoIP lookups need them: parsed once, and classified so
 * that private, loopback, link-local, documentation and other special-purpose
 * addresses (IANA's IPv4 and IPv6 Special-Purpose Address Registries, RFC
 * 6890) are never looked up: no database has a place for them, and a
 * "location" of 10.0.0.1 would only mislead an analyst. Pure.
 */

/** A public address to look up: IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit BigInt. */
export type PublicAddress = { readonly v: 4; readonly n: number; readonly text: string } | { readonly v: 6; readonly n: bigint; readonly text: string };

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Dotted-quad IPv4 → unsigned 32-bit number, or undefined. */
export function parseIpv4(s: string): number | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i] ?? '';
    if (i === pieces.length - 1 && p.includes('.')) {
      const v4 = parseIpv4(p);
      if (v4 === undefined) return undefined;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (HEX_GROUP.test(p)) {
      out.push(parseInt(p, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/** IPv6 text (with `::` and an embedded IPv4 tail; no zone id) → 128-bit BigInt, or undefined. */
export function parseIpv6(s: string): bigint | undefined {
  if (s.length > 45 || !s.includes(':')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let n = 0n;
  for (const g of [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]) n = (n << 16n) | BigInt(g);
  return n;
}

/** [first, prefix length] of the IPv4 ranges that are not globally routable (RFC 6890 and successors). */
const V4_SPECIAL: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1 (documentation)
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];
const V4_RANGES = V4_SPECIAL.map(([first, bits]) => {
  const start = parseIpv4(first) ?? 0;
  return [start, start + 2 ** (32 - bits) - 1] as const;
});

/** [first, prefix length] of the special-purpose IPv6 ranges (::ffff:0:0/96 is handled as IPv4). */
const V6_SPECIAL: readonly (readonly [string, number])[] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];
const V6_RANGES = V6_SPECIAL.map(([first, bits]) => {
  const start = parseIpv6(first) ?? 0n;
  return [start, start + (1n << BigInt(128 - bits)) - 1n] as const;
});
const MAPPED_V4 = 0xffffn << 32n;

/**
 * The address to look up, or undefined when the text is no IP address or is
 * a special-purpose one. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its
 * IPv4 address.
 */
export function publicAddress(text: string): PublicAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return publicV4(v4);
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return publicV4(Number(v6 - MAPPED_V4));
  for (const [lo, hi] of V6_RANGES) if (v6 >= lo && v6 <= hi) return undefined;
  return { v: 6, n: v6, text };
}

function publicV4(n: number): PublicAddress | undefined {
  for (const [lo, hi] of V4_RANGES) if (n >= lo && n <= hi) return undefined;
  return { v: 4, n, text: `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}` };
}
