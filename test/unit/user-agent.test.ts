import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_MEMO_ENTRIES, MAX_USER_AGENT_LENGTH, parseUserAgent, userAgentMemoSize, type ParsedUserAgent } from '../../src/ingest/normalize/user-agent.js';
import { CORPUS } from '../helpers/corpus.js';

interface Expected {
  original: string;
  name?: string;
  version?: string;
  os?: { name?: string; version?: string; full?: string };
  device?: { name?: string };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every distinct user_agent object of Elastic's expected documents, with the file it came from. */
function elasticPairs(): { file: string; ua: Expected }[] {
  const seen = new Set<string>();
  const out: { file: string; ua: Expected }[] = [];
  for (const file of walk(join(CORPUS, 'elastic')).filter((f) => f.endsWith('-expected.json'))) {
    const { expected } = JSON.parse(readFileSync(file, 'utf8')) as { expected: { user_agent?: Expected }[] };
    for (const doc of expected) {
      const ua = doc.user_agent;
      if (ua?.original === undefined || (ua.name === undefined && ua.device === undefined)) continue;
      const key = JSON.stringify(ua);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ file: file.slice(CORPUS.length), ua });
    }
  }
  return out;
}

/**
 * Elasticsearch before 8.x wrote an empty version part as a trailing dot
 * ("72.0." for Firefox/72.0, whose uap-core patch group matches empty); newer
 * releases drop it ("72.0"), and both forms are in the corpus for the same
 * string. Sift writes the current form, so the old one is compared without
 * its trailing dot.
 */
const currentVersionForm = (v: string | undefined): string | undefined => v?.replace(/\.$/, '');

/**
 * uap-core files any string starting with one of ~400 four-letter WAP-era
 * handset prefixes as a "Generic Feature Phone"; this test string starts with
 * "FAKE", one of them. Reproducing that table would be overfitting, so only
 * its device name is not compared (Sift says "Other").
 */
const SKIP_DEVICE = new Set(['FAKEFAKEFAKE.com.okta.mobile/8.1.1 OktaDeviceSDK/0.0.1 macOS/13.4.0 Apple/MacBookPro16,2 RANDOM-AAAA-BBBB-CCCC-DDDDDDDDDDDD']);

function comparable(ua: Expected | ParsedUserAgent, skipDevice: boolean): unknown {
  return {
    name: ua.name,
    version: currentVersionForm(ua.version),
    os: ua.os === undefined ? undefined : { name: ua.os.name, version: ua.os.version, full: ua.os.full },
    device: skipDevice ? undefined : ua.device?.name,
  };
}

describe('parseUserAgent against Elastic expected documents', () => {
  const pairs = elasticPairs();

  it('finds the corpus pairs', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(28);
  });

  it.each(pairs.map((p) => [p.ua.original, p] as const))('%s', (_original, { file, ua }) => {
    const got = parseUserAgent(ua.original);
    expect(comparable(got, SKIP_DEVICE.has(ua.original)), file).toEqual(comparable(ua, SKIP_DEVICE.has(ua.original)));
  });
});

/**
 * Common agents beyond the corpus, with the values uap-core's families give
 * them (Sift's own expectations, written from the documented UA formats).
 */
const COMMON: readonly [string, ParsedUserAgent][] = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Safari/537.36 Edg/112.0.1722.48',
    { name: 'Edge', version: '112.0.1722.48', os: { name: 'Windows', version: '10', full: 'Windows 10' }, device: { name: 'Other' } },
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.4 Safari/605.1.15',
    { name: 'Safari', version: '16.4', os: { name: 'Mac OS X', version: '10.15.7', full: 'Mac OS X 10.15.7' }, device: { name: 'Mac' } },
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.4 Mobile/15E148 Safari/604.1',
    { name: 'Mobile Safari', version: '16.4', os: { name: 'iOS', version: '16.4', full: 'iOS 16.4' }, device: { name: 'iPhone' } },
  ],
  [
    'Mozilla/5.0 (iPad; CPU OS 16_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/112.0.5615.46 Mobile/15E148 Safari/604.1',
    { name: 'Chrome Mobile iOS', version: '112.0.5615.46', os: { name: 'iOS', version: '16.4', full: 'iOS 16.4' }, device: { name: 'iPad' } },
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Mobile Safari/537.36',
    { name: 'Chrome Mobile', version: '112.0.0.0', os: { name: 'Android', version: '13', full: 'Android 13' }, device: { name: 'Samsung SM-S918B' } },
  ],
  [
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Mobile Safari/537.36',
    { name: 'Chrome Mobile', version: '114.0.0.0', os: { name: 'Android', version: '10', full: 'Android 10' }, device: { name: 'K' } },
  ],
  [
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Safari/537.36',
    { name: 'Chrome', version: '112.0.0.0', os: { name: 'Chrome OS', version: '14541.0.0', full: 'Chrome OS 14541.0.0' }, device: { name: 'Other' } },
  ],
  [
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/112.0',
    { name: 'Firefox', version: '112.0', os: { name: 'Ubuntu' }, device: { name: 'Other' } },
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Safari/537.36 OPR/98.0.4759.39',
    { name: 'Opera', version: '98.0.4759', os: { name: 'Windows', version: '10', full: 'Windows 10' }, device: { name: 'Other' } },
  ],
  [
    'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
    { name: 'IE', version: '11.0', os: { name: 'Windows', version: '7', full: 'Windows 7' }, device: { name: 'Other' } },
  ],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', { name: 'Googlebot', version: '2.1', device: { name: 'Spider' } }],
  ['python-requests/2.28.0', { name: 'Python Requests', version: '2.28', device: { name: 'Other' } }],
  ['okhttp/4.12.0', { name: 'okhttp', version: '4.12.0', device: { name: 'Other' } }],
  ['PostmanRuntime/7.43.0', { name: 'PostmanRuntime', version: '7.43.0', device: { name: 'Other' } }],
  ['Go-http-client/1.1', { name: 'Go-http-client', version: '1.1', device: { name: 'Other' } }],
  ['Java/1.8.0_25', { name: 'Java', version: '8.0.25', device: { name: 'Spider' } }],
  [
    'Boto3/1.26.0 Python/3.9.5 Darwin/20.3.0 Botocore/1.29.0',
    { name: 'Boto3', version: '1.26.0', device: { name: 'Spider' } },
  ],
  [
    'aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) exec-env/AWS_Lambda_go1.x',
    { name: 'aws-sdk-go', version: '1.44.157', os: { name: 'Linux' }, device: { name: 'Other' } },
  ],
  [
    'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 aws-sdk-go/1.44.157 (go1.19.3; darwin; arm64)',
    { name: 'aws-sdk-go', version: '1.44.157', device: { name: 'Other' } },
  ],
  ['kubectl/v1.28.2 (darwin/amd64) kubernetes/89a4ea3', { name: 'Other', device: { name: 'Other' } }],
  ['GitHub CLI 2.40.1', { name: 'Other', device: { name: 'Other' } }],
  ['Wget/1.21.3', { name: 'Wget', version: '1.21.3', device: { name: 'Other' } }],
  ['', { name: 'Other', device: { name: 'Other' } }],
];

describe('parseUserAgent on common agents', () => {
  it.each(COMMON)('%s', (ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  it('returns the same frozen object for a repeated string', () => {
    const a = parseUserAgent('curl/8.5.0');
    expect(parseUserAgent('curl/8.5.0')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual({ name: 'curl', version: '8.5.0', device: { name: 'Other' } });
  });

  it('never throws on a non-string (callers are typed, data is not)', () => {
    expect(parseUserAgent(42 as unknown as string)).toEqual({ name: 'Other', device: { name: 'Other' } });
  });
});

describe('parseUserAgent bounded work', () => {
  const HOSTILE = [
    'a'.repeat(100_000),
    'Mozilla/5.0 '.repeat(10_000),
    '('.repeat(100_000),
    'Android ;'.repeat(20_000),
    'Version/1.1 '.repeat(10_000),
    'bot/'.repeat(30_000),
    'Chrome/1.'.repeat(20_000),
    `${'iPhone '.repeat(15_000)}Safari`,
    `${'x'.repeat(MAX_USER_AGENT_LENGTH)}Chrome/112.0.0.0`,
  ];

  it('reads only the first MAX_USER_AGENT_LENGTH characters', () => {
    for (const ua of HOSTILE) {
      expect(parseUserAgent(ua)).toBe(parseUserAgent(ua.slice(0, MAX_USER_AGENT_LENGTH)));
    }
    // The Chrome token past the cut is not seen.
    expect(parseUserAgent(`${'x'.repeat(MAX_USER_AGENT_LENGTH)}Chrome/112.0.0.0`).name).toBe('Other');
  });

  it('keeps the memo bounded however many distinct strings it sees', () => {
    for (let i = 0; i < MAX_MEMO_ENTRIES * 3; i++) parseUserAgent(`agent-${i}/1.0 (${'z'.repeat(i % 50)})`);
    expect(userAgentMemoSize()).toBe(MAX_MEMO_ENTRIES);
    // Old entries were evicted, and parsing them again still works.
    expect(parseUserAgent('agent-0/1.0 ()')).toEqual({ name: 'Other', device: { name: 'Other' } });
    expect(userAgentMemoSize()).toBe(MAX_MEMO_ENTRIES);
  });
});
