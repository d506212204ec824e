import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AddressClass,
  checkUrl,
  classifyAddress,
  createOutboundClient,
  hostAllowed,
  OutboundCode,
  OutboundError,
  policyIssues,
  type OutboundPolicy,
  type Resolver,
} from '../../../src/alerts/outbound/index.js';

const STRICT: OutboundPolicy = { allowHosts: [], allowHttp: true, allowPrivateNetworks: false, allowLoopback: false };

async function refusal(p: Promise<unknown>): Promise<OutboundError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutboundError);
  return err as OutboundError;
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', AddressClass.Loopback],
    ['127.255.0.9', AddressClass.Loopback],
    ['::1', AddressClass.Loopback],
    ['[::1]', AddressClass.Loopback],
    ['::ffff:127.0.0.1', AddressClass.Loopback],
    ['::ffff:7f00:1', AddressClass.Loopback],
    ['169.254.169.254', AddressClass.LinkLocal],
    ['::ffff:a9fe:a9fe', AddressClass.LinkLocal],
    ['fe80::1%eth0', AddressClass.LinkLocal],
    ['10.0.0.5', AddressClass.Private],
    ['172.16.0.1', AddressClass.Private],
    ['172.31.255.255', AddressClass.Private],
    ['192.168.1.1', AddressClass.Private],
    ['fd12:3456::1', AddressClass.Private],
    ['100.64.0.1', AddressClass.Cgnat],
    ['100.127.255.255', AddressClass.Cgnat],
    ['0.0.0.0', AddressClass.Unspecified],
    ['::', AddressClass.Unspecified],
    ['224.0.0.1', AddressClass.Multicast],
    ['ff02::1', AddressClass.Multicast],
    ['64:ff9b::10.1.2.3', AddressClass.Private],
    ['2002:a9fe:a9fe::1', AddressClass.LinkLocal],
    ['172.32.0.1', AddressClass.Public],
    ['100.128.0.1', AddressClass.Public],
    ['8.8.8.8', AddressClass.Public],
    ['::ffff:8.8.8.8', AddressClass.Public],
    ['2606:4700:4700::1111', AddressClass.Public],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it('returns undefined for host names', () => {
    expect(classifyAddress('hooks.slack.com')).toBeUndefined();
  });

  // Issue 12: IANA IPv6 Special-Purpose Address Registry. 100::/64 is the
  // discard-only block (RFC 6666), 64:ff9b:1::/48 the local-use IPv4/IPv6
  // translation prefix (RFC 8215), neither globally reachable; ::ffff:0:0/96
  // is IPv4-mapped (RFC 4291), ::/96 the deprecated IPv4-compatible form and
  // ::ffff:0:0:0/96 the IPv4-translated form (RFC 2765). Expectations by hand.
  it.each([
    ['100::', AddressClass.Reserved],
    ['100::1', AddressClass.Reserved],
    ['100::ffff:ffff:ffff:ffff', AddressClass.Reserved],
    ['64:ff9b:1::1', AddressClass.Unspecified],
    ['64:ff9b:1::808:808', AddressClass.Private],
    ['64:ff9b:1:ffff:1::808:808', AddressClass.Private],
    ['64:ff9b:1::a9fe:a9fe', AddressClass.LinkLocal],
    ['64:ff9b:1::7f00:1', AddressClass.Loopback],
    ['::ffff:127.0.0.1', AddressClass.Loopback],
    ['::FFFF:127.0.0.1', AddressClass.Loopback],
    ['::ffff:7f00:1', AddressClass.Loopback],
    ['0:0:0:0:0:ffff:7f00:1', AddressClass.Loopback],
    ['0:0:0:0:0:ffff:127.0.0.1', AddressClass.Loopback],
    ['::127.0.0.1', AddressClass.Loopback],
    ['::7f00:1', AddressClass.Loopback],
    ['::ffff:0:127.0.0.1', AddressClass.Loopback],
    ['::ffff:0:7f00:1', AddressClass.Loopback],
    ['::ffff:0:a9fe:a9fe', AddressClass.LinkLocal],
    ['::ffff:169.254.169.254', AddressClass.LinkLocal],
    ['::ffff:10.0.0.1', AddressClass.Private],
    ['::ffff:0.0.0.0', AddressClass.Unspecified],
    ['::ffff:0:8.8.8.8', AddressClass.Public],
  ])('special-purpose IPv6 %s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it.each(['http://[100::1]/', 'http://[64:ff9b:1::808:808]/', 'http://[::ffff:127.0.0.1]/', 'http://[::127.0.0.1]/', 'http://[::ffff:0:7f00:1]/'])(
    'a URL to %s is refused under the strict policy',
    async (url) => {
      const err = await refusal(checkUrl({ ...STRICT, allowHosts: [new URL(url).hostname] }, 'hook', url));
      expect(err.code).toBe(OutboundCode.AddressRefused);
    },
  );
});

describe('outbound check (SSRF)', () => {
  // Each host is allowlisted, so the refusal below is the address rule's, not the allowlist's.
  it.each([
    ['http://127.0.0.1/x', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://10.0.0.5/', 'private'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://100.64.1.1/', 'cgnat'],
    ['http://0.0.0.0/', 'unspecified'],
  ])('refuses %s', async (url, cls) => {
    const policy = { ...STRICT, allowHosts: ['127.0.0.1', '169.254.169.254', '10.0.0.5', '::1', '::ffff:127.0.0.1', '100.64.1.1', '0.0.0.0'] };
    const err = await refusal(checkUrl(policy, 'hook', url));
    expect(err.code).toBe(OutboundCode.AddressRefused);
    expect(err.message).toContain(cls);
    expect(err.message).toContain('alert sink "hook"');
  });

  it('refuses a host name resolving to loopback (localhost)', async () => {
    const err = await refusal(checkUrl({ ...STRICT, allowHosts: ['localhost'] }, 'hook', 'http://localhost:9/'));
    expect(err.code).toBe(OutboundCode.AddressRefused);
    expect(err.message).toMatch(/host localhost \(resolves to .*\) is loopback/);
  });

  it('refuses a name when any one of its addresses is internal', async () => {
    const resolve: Resolver = async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.1.1.1', family: 4 }];
    const err = await refusal(checkUrl({ ...STRICT, allowHosts: ['mixed.example.com'] }, 'hook', 'https://mixed.example.com/', resolve));
    expect(err.code).toBe(OutboundCode.AddressRefused);
  });

  it('allows loopback and private networks only when told to', async () => {
    const resolve: Resolver = async () => [{ address: '10.1.1.1', family: 4 }];
    const policy = { ...STRICT, allowHosts: ['127.0.0.1', 'internal.example.com'], allowLoopback: true, allowPrivateNetworks: true };
    await expect(checkUrl(policy, 'hook', 'http://127.0.0.1:8080/')).resolves.toBeInstanceOf(URL);
    await expect(checkUrl(policy, 'hook', 'https://internal.example.com/', resolve)).resolves.toBeInstanceOf(URL);
    // Link-local stays refused whatever the options: it is where the metadata service lives.
    await refusal(checkUrl({ ...policy, allowHosts: ['169.254.169.254'] }, 'hook', 'http://169.254.169.254/'));
  });

  it('refuses hosts outside the allowlist, naming the host but not the URL', async () => {
    const policy = { ...STRICT, allowHosts: ['hooks.slack.com', '*.example.com'] };
    const err = await refusal(checkUrl(policy, 'slack', 'https://evil.example.net/services/T1/B2/s3cretTokenValue'));
    expect(err.code).toBe(OutboundCode.HostNotAllowed);
    expect(err.message).toContain('evil.example.net');
    expect(err.message).not.toContain('s3cretTokenValue');
    expect(hostAllowed(policy, 'a.example.com')).toBe(true);
    expect(hostAllowed(policy, 'a.b.example.com')).toBe(true);
    expect(hostAllowed(policy, 'example.com')).toBe(false);
    expect(hostAllowed(policy, 'badexample.com')).toBe(false);
    expect(hostAllowed(policy, 'HOOKS.SLACK.COM.')).toBe(true);
  });

  it('refuses plain http unless allowed, and other schemes always', async () => {
    const policy = { ...STRICT, allowHttp: false, allowHosts: ['hooks.slack.com'] };
    expect((await refusal(checkUrl(policy, 's', 'http://hooks.slack.com/'))).code).toBe(OutboundCode.Scheme);
    expect((await refusal(checkUrl({ ...policy, allowHttp: true }, 's', 'ftp://hooks.slack.com/'))).code).toBe(OutboundCode.Scheme);
    expect((await refusal(checkUrl(policy, 's', 'not a url'))).code).toBe(OutboundCode.BadUrl);
  });

  it('reports unresolvable names as retryable', async () => {
    const resolve: Resolver = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    const err = await refusal(checkUrl({ ...STRICT, allowHosts: ['gone.example.com'] }, 's', 'https://gone.example.com/', resolve));
    expect(err.code).toBe(OutboundCode.Unresolvable);
    expect(err.retryable).toBe(true);
  });

  it('flags allowlist entries that are not hosts', () => {
    expect(policyIssues({ ...STRICT, allowHosts: ['*', 'https://x.com/', '*.0.1', 'ok.example.com', '*.example.com', '::1'] })).toHaveLength(3);
  });
});

describe('outbound client', () => {
  let servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    servers = [];
  });

  async function serve(handler: (path: string, headers: IncomingHttpHeaders) => { status: number; location?: string }): Promise<number> {
    const server = createServer((req, res) => {
      const { status, location } = handler(req.url ?? '/', req.headers);
      res.writeHead(status, location ? { location } : {});
      res.end('ok');
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }

  const post = { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t0ken' }, body: '{}' } as const;
  const policy: OutboundPolicy = { allowHosts: ['127.0.0.1', 'receiver.test'], allowHttp: true, allowPrivateNetworks: false, allowLoopback: true };

  it('refuses a redirect from an allowed receiver to the metadata address', async () => {
    const port = await serve(() => ({ status: 307, location: 'http://169.254.169.254/latest/meta-data/iam/' }));
    const client = createOutboundClient({ sink: 'hook', policy: { ...policy, allowHosts: ['127.0.0.1', '169.254.169.254'] } });
    const err = await refusal(client.request(`http://127.0.0.1:${port}/in`, post, AbortSignal.timeout(2000)));
    expect(err.code).toBe(OutboundCode.AddressRefused);
    expect(err.host).toBe('169.254.169.254');
    await client.close();
  });

  it('follows at most 3 redirects, keeping the method and body', async () => {
    const seen: string[] = [];
    const port = await serve((path) => {
      seen.push(path);
      const n = Number(path.slice(1));
      return n < 3 ? { status: 308, location: `/${n + 1}` } : { status: 200 };
    });
    const client = createOutboundClient({ sink: 'hook', policy });
    const res = await client.request(`http://127.0.0.1:${port}/0`, post, AbortSignal.timeout(2000));
    expect(res.status).toBe(200);
    expect(seen).toEqual(['/0', '/1', '/2', '/3']);
    const loop = await serve(() => ({ status: 302, location: '/again' }));
    expect((await refusal(client.request(`http://127.0.0.1:${loop}/`, post, AbortSignal.timeout(2000)))).code).toBe(OutboundCode.TooManyRedirects);
    await client.close();
  });

  it('connects to the address its own checked lookup returned (no second DNS answer)', async () => {
    const port = await serve(() => ({ status: 200 }));
    let calls = 0;
    const resolve: Resolver = async (host) => {
      calls += 1;
      expect(host).toBe('receiver.test');
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const client = createOutboundClient({ sink: 'hook', policy, resolve });
    expect(client.pinned).toBe(true);
    // receiver.test does not exist in real DNS: reaching the server proves the pinned lookup was used.
    const res = await client.request(`http://receiver.test:${port}/`, post, AbortSignal.timeout(2000));
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    await client.close();
  });

  it('refuses at connect time when DNS answers an internal address (rebinding)', async () => {
    const port = await serve(() => ({ status: 200 }));
    const answers = ['127.0.0.1', '169.254.169.254'];
    const resolve: Resolver = async () => [{ address: answers.shift() ?? '169.254.169.254', family: 4 }];
    const client = createOutboundClient({ sink: 'hook', policy, resolve });
    expect((await client.request(`http://receiver.test:${port}/`, { ...post, headers: { connection: 'close' } }, AbortSignal.timeout(2000))).status).toBe(200);
    const err = await refusal(client.request(`http://receiver.test:${port}/`, post, AbortSignal.timeout(2000)));
    expect(err.code).toBe(OutboundCode.AddressRefused);
    await client.close();
  });

  it('without pinning, still checks every request before sending it', async () => {
    const port = await serve(() => ({ status: 307, location: 'http://10.0.0.9/' }));
    const client = createOutboundClient({ sink: 'hook', policy: { ...policy, allowHosts: ['127.0.0.1', '10.0.0.9'] }, pin: false });
    expect(client.pinned).toBe(false);
    const err = await refusal(client.request(`http://127.0.0.1:${port}/`, post, AbortSignal.timeout(2000)));
    expect(err.code).toBe(OutboundCode.AddressRefused);
    await client.close();
  });

  it('drops credentials on a cross-origin redirect', async () => {
    let got: IncomingHttpHeaders = {};
    const target = await serve((_p, headers) => ((got = headers), { status: 200 }));
    const port = await serve(() => ({ status: 307, location: `http://receiver.test:${target}/landing` }));
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const client = createOutboundClient({ sink: 'hook', policy, resolve });
    await client.request(`http://127.0.0.1:${port}/`, post, AbortSignal.timeout(2000));
    expect(got.authorization).toBeUndefined();
    expect(got['content-type']).toBe('application/json');
    await client.close();
  });
});
