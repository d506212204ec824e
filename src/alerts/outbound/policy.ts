/**
 * The outbound check every alert sink passes at config load and again before
 * every request and redirect hop: scheme, host allowlist, and the addresses
 * the host resolves to. Errors name the sink and the host, never the URL,
 * because sink URLs carry secrets (Slack hook tokens).
 */
import { lookup } from 'node:dns/promises';
import { isIPv6 } from 'node:net';
import { addressAllowed, classifyAddress, type AddressClass } from './address.js';

export interface OutboundPolicy {
  /** Host names (exact) or `*.suffix` (any name strictly below suffix). IP literals are allowed entries. */
  readonly allowHosts: readonly string[];
  /** Plain http:// targets; off in production, on for local receivers in tests. */
  readonly allowHttp: boolean;
  /** 10/8, 172.16/12, 192.168/16, fc00::/7 and CGNAT 100.64/10. */
  readonly allowPrivateNetworks: boolean;
  /** 127/8 and ::1 (and their IPv4-mapped forms). */
  readonly allowLoopback: boolean;
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** dns.lookup with all: true; injectable so tests can play DNS (and DNS rebinding). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => lookup(hostname, { all: true, verbatim: true });

export const OutboundCode = {
  BadUrl: 'SIFT_OUTBOUND_BAD_URL',
  Scheme: 'SIFT_OUTBOUND_SCHEME',
  HostNotAllowed: 'SIFT_OUTBOUND_HOST_NOT_ALLOWED',
  AddressRefused: 'SIFT_OUTBOUND_ADDRESS_REFUSED',
  Unresolvable: 'SIFT_OUTBOUND_UNRESOLVABLE',
  TooManyRedirects: 'SIFT_OUTBOUND_TOO_MANY_REDIRECTS',
} as const;
export type OutboundCode = (typeof OutboundCode)[keyof typeof OutboundCode];

export class OutboundError extends Error {
  readonly code: OutboundCode;
  readonly sink: string;
  readonly host: string;
  /** Only a DNS failure can heal by itself; a refused target needs a config change. */
  readonly retryable: boolean;

  constructor(code: OutboundCode, sink: string, host: string, message: string) {
    super(`alert sink "${sink}": ${message}`);
    this.name = 'OutboundError';
    this.code = code;
    this.sink = sink;
    this.host = host;
    this.retryable = code === OutboundCode.Unresolvable;
  }
}

/** Lowercase, without a trailing dot: `Hooks.Slack.com.` and `hooks.slack.com` are one host. */
function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Allowlist entries go through the URL host parser too, so that an entry
 * `127.0.0.1` matches a URL written `2130706433`, and `[::1]` matches `::1`.
 * A `*.suffix` must be a domain name: the URL parser would read `*.0.1` as
 * part of an IPv4 address.
 */
function normalizeEntry(entry: string): string | undefined {
  const wildcard = entry.startsWith('*.');
  const body = wildcard ? entry.slice(2) : entry;
  const bracketed = isIPv6(body) ? `[${body}]` : body;
  if (body === '' || /[/:@?#*\s]/.test(bracketed.replace(/^\[.*\]$/, ''))) return undefined;
  let host: string;
  try {
    host = normalizeHost(new URL(`http://${bracketed}/`).hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return undefined;
  }
  if (!wildcard) return host;
  return /^([a-z0-9-]+\.)*[a-z0-9-]*[a-z-][a-z0-9-]*$/.test(host) ? `*.${host}` : undefined;
}

/** Problems with allowlist entries, for config validation (each names the entry). */
export function policyIssues(policy: OutboundPolicy): string[] {
  return policy.allowHosts.filter((e) => normalizeEntry(e) === undefined).map((e) => `allow_hosts entry "${e}" is not a host name, IP address or *.suffix`);
}

export function hostAllowed(policy: OutboundPolicy, host: string): boolean {
  const h = normalizeHost(host);
  for (const raw of policy.allowHosts) {
    const entry = normalizeEntry(raw);
    if (entry === undefined) continue;
    if (entry.startsWith('*.') ? h.endsWith(entry.slice(1)) : h === entry) return true;
  }
  return false;
}

function refusal(sink: string, host: string, address: string, cls: AddressClass): OutboundError {
  const shown = address === host ? `address ${host}` : `host ${host} (resolves to ${address})`;
  return new OutboundError(OutboundCode.AddressRefused, sink, host, `${shown} is ${cls}; refused by the outbound policy`);
}

/** Throws unless every address is allowed: one internal address among public ones is enough to refuse. */
export function checkAddresses(policy: OutboundPolicy, sink: string, host: string, addresses: readonly ResolvedAddress[]): void {
  for (const { address } of addresses) {
    const cls = classifyAddress(address);
    if (cls === undefined) throw new OutboundError(OutboundCode.Unresolvable, sink, host, `host ${host} resolved to a non-address`);
    if (!addressAllowed(cls, policy)) throw refusal(sink, host, address, cls);
  }
}

/**
 * The part of the check that needs no DNS: parse, scheme, allowlist, and the
 * address itself when the host is an IP literal. Returns the parsed URL and
 * its bare host (no brackets), which is what a resolver is asked about.
 */
export function checkTarget(policy: OutboundPolicy, sink: string, target: string | URL): { url: URL; host: string; literal: boolean } {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new OutboundError(OutboundCode.BadUrl, sink, '', 'the URL does not parse');
  }
  const host = normalizeHost(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    const why = url.protocol === 'http:' ? 'plain http is not allowed (allow_http)' : `scheme ${url.protocol} is not supported`;
    throw new OutboundError(OutboundCode.Scheme, sink, host, `host ${host}: ${why}`);
  }
  if (!hostAllowed(policy, host)) {
    throw new OutboundError(OutboundCode.HostNotAllowed, sink, host, `host ${host} is not in the outbound allowlist (alerts.outbound.allow_hosts)`);
  }
  const literal = classifyAddress(host) !== undefined;
  if (literal) checkAddresses(policy, sink, host, [{ address: host, family: host.includes(':') ? 6 : 4 }]);
  return { url, host, literal };
}

/** Resolves a host name and checks every address; used by the pinned lookup at connect time too. */
export async function resolveChecked(policy: OutboundPolicy, sink: string, host: string, resolve: Resolver): Promise<readonly ResolvedAddress[]> {
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new OutboundError(OutboundCode.Unresolvable, sink, host, `host ${host} does not resolve (${typeof code === 'string' ? code : 'DNS error'})`);
  }
  if (addresses.length === 0) throw new OutboundError(OutboundCode.Unresolvable, sink, host, `host ${host} resolves to no address`);
  checkAddresses(policy, sink, host, addresses);
  return addresses;
}

/** The whole check: config load calls it once per sink, the client before every request and redirect hop. */
export async function checkUrl(policy: OutboundPolicy, sink: string, target: string | URL, resolve: Resolver = systemResolver): Promise<URL> {
  const { url, host, literal } = checkTarget(policy, sink, target);
  if (!literal) await resolveChecked(policy, sink, host, resolve);
  return url;
}
