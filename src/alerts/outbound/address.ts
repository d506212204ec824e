/**
 * What kind of network an IP address belongs to, so that an alert sink can
 * never be pointed (by config, DNS or a redirect) at the host itself, the
 * cloud metadata service or the internal network (SSRF).
 *
 * Addresses arrive in canonical form: from dns.lookup, or from the WHATWG URL
 * parser, which already turns `2130706433`, `0177.0.0.1` and `0x7f.1` into
 * `127.0.0.1`. IPv6 forms that embed an IPv4 address (mapped, compatible,
 * translated, NAT64, 6to4) are judged by the IPv4 address they reach. Ranges
 * follow the IANA IPv6 Special-Purpose Address Registry.
 */
import { isIPv4, isIPv6 } from 'node:net';

export const AddressClass = {
  Public: 'public',
  Loopback: 'loopback',
  LinkLocal: 'link-local',
  Private: 'private',
  Cgnat: 'cgnat',
  Unspecified: 'unspecified',
  Multicast: 'multicast',
  Reserved: 'reserved',
} as const;
export type AddressClass = (typeof AddressClass)[keyof typeof AddressClass];

type V4Range = readonly [base: number, prefix: number, cls: AddressClass];

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** First match wins; everything else is public. */
const V4_RANGES: readonly V4Range[] = [
  // 0/8 is "this network": Linux connects 0.0.0.0 to the local host.
  [v4(0, 0, 0, 0), 8, AddressClass.Unspecified],
  [v4(127, 0, 0, 0), 8, AddressClass.Loopback],
  [v4(10, 0, 0, 0), 8, AddressClass.Private],
  [v4(172, 16, 0, 0), 12, AddressClass.Private],
  [v4(192, 168, 0, 0), 16, AddressClass.Private],
  [v4(198, 18, 0, 0), 15, AddressClass.Private],
  [v4(100, 64, 0, 0), 10, AddressClass.Cgnat],
  // 169.254.169.254 is the metadata service of AWS, GCP and Azure.
  [v4(169, 254, 0, 0), 16, AddressClass.LinkLocal],
  [v4(224, 0, 0, 0), 4, AddressClass.Multicast],
  [v4(240, 0, 0, 0), 4, AddressClass.Reserved],
  [v4(192, 0, 0, 0), 24, AddressClass.Reserved],
  [v4(192, 0, 2, 0), 24, AddressClass.Reserved],
  [v4(198, 51, 100, 0), 24, AddressClass.Reserved],
  [v4(203, 0, 113, 0), 24, AddressClass.Reserved],
];

function parseV4(text: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = text.split('.').map(Number);
  return v4(a, b, c, d);
}

function classifyV4(n: number): AddressClass {
  for (const [base, prefix, cls] of V4_RANGES) {
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    if (((n & mask) >>> 0) === base) return cls;
  }
  return AddressClass.Public;
}

/** Eight 16-bit groups; expects text node:net accepts as IPv6 (zone id removed). */
function parseV6(text: string): number[] {
  let head = text;
  const tail: number[] = [];
  const lastColon = head.lastIndexOf(':');
  const last = head.slice(lastColon + 1);
  if (last.includes('.')) {
    const n = parseV4(last);
    tail.push(n >>> 16, n & 0xffff);
    head = head.slice(0, lastColon + 1) + '0';
  }
  const [left = '', right] = head.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  if (tail.length > 0) (right === undefined ? l : r).pop();
  const fill = 8 - l.length - r.length - tail.length;
  return [...l, ...new Array<number>(Math.max(0, fill)).fill(0), ...r, ...tail];
}

function classifyV6(g: readonly number[]): AddressClass {
  const at = (i: number): number => g[i] ?? 0;
  const embedded = (hi: number): AddressClass => classifyV4(((at(hi) << 16) | at(hi + 1)) >>> 0);
  const zeroUpTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return AddressClass.Unspecified;
  if (zeroUpTo(7) && at(7) === 1) return AddressClass.Loopback;
  // ::ffff:a.b.c.d (mapped, ::ffff:0:0/96) and ::a.b.c.d (deprecated "compatible", ::/96) reach IPv4 a.b.c.d.
  if (zeroUpTo(5) && (at(5) === 0xffff || at(5) === 0)) return embedded(6);
  // ::ffff:0:a.b.c.d (IPv4-translated, ::ffff:0:0:0/96, RFC 2765): a stateless translator forwards to a.b.c.d.
  if (zeroUpTo(4) && at(4) === 0xffff && at(5) === 0) return embedded(6);
  // 64:ff9b::/96 (NAT64 well-known prefix): a NAT64 gateway forwards to the embedded address.
  if (at(0) === 0x64 && at(1) === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(6);
  // 64:ff9b:1::/48 (local-use NAT64, RFC 8215): never globally reachable, it
  // reaches whatever the operator's translator reaches, so it is private at
  // best; an embedded address (at /96, the usual length) that is refused
  // anyway (metadata, loopback, …) keeps its own class.
  if (at(0) === 0x64 && at(1) === 0xff9b && at(2) === 1) {
    const inner = embedded(6);
    return inner === AddressClass.Public || inner === AddressClass.Cgnat ? AddressClass.Private : inner;
  }
  // 2002::/16 (6to4): a relay forwards to the IPv4 address in bits 16–47.
  if (at(0) === 0x2002) return embedded(1);
  if ((at(0) & 0xffc0) === 0xfe80) return AddressClass.LinkLocal;
  if ((at(0) & 0xfe00) === 0xfc00) return AddressClass.Private;
  // fec0::/10, site-local: deprecated, but still routed internally by some networks.
  if ((at(0) & 0xffc0) === 0xfec0) return AddressClass.Private;
  if ((at(0) & 0xff00) === 0xff00) return AddressClass.Multicast;
  if (at(0) === 0x2001 && at(1) === 0x0db8) return AddressClass.Reserved;
  // 100::/64, discard-only (RFC 6666): traffic there is dropped by design, never a receiver.
  if (at(0) === 0x0100 && at(1) === 0 && at(2) === 0 && at(3) === 0) return AddressClass.Reserved;
  return AddressClass.Public;
}

/** The class of an IP literal, or undefined when `ip` is not one (a host name). Brackets and zone ids are accepted. */
export function classifyAddress(ip: string): AddressClass | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (isIPv4(bare)) return classifyV4(parseV4(bare));
  const noZone = bare.split('%')[0] ?? bare;
  if (isIPv6(noZone)) return classifyV6(parseV6(noZone));
  return undefined;
}

export interface AddressAllowance {
  readonly allowLoopback: boolean;
  readonly allowPrivateNetworks: boolean;
}

/**
 * Public addresses always pass; loopback and private/CGNAT only when allowed.
 * Link-local (the metadata service), unspecified, multicast and reserved
 * addresses never do: no alert receiver legitimately lives there.
 */
export function addressAllowed(cls: AddressClass, allow: AddressAllowance): boolean {
  switch (cls) {
    case AddressClass.Public:
      return true;
    case AddressClass.Loopback:
      return allow.allowLoopback;
    case AddressClass.Private:
    case AddressClass.Cgnat:
      return allow.allowPrivateNetworks;
    default:
      return false;
  }
}
