import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { capture as captureAll } from '../helpers/capture.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out: () => out.join('\n'), err: () => err.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

describe('sift CLI', () => {
  it('lists the commands in --help', async () => {
    const io = capture();
    expect(await main(['--help'])).toBe(0);
    for (const cmd of ['run', 'demo', 'generate', 'stack', 'config']) expect(io.out()).toMatch(new RegExp(`^  ${cmd} `, 'm'));
  });

  it('exits 2 with an error naming the field when the config is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'elasticsearch:\n  node: not-a-url\n');
    const io = capture();
    expect(await main(['run', '--config', file])).toBe(2);
    expect(io.err()).toContain('elasticsearch.node');
    expect(io.err()).toContain('an http(s) URL');
  });

  it('exits 2 on an unreadable config file, naming it', async () => {
    const io = capture();
    expect(await main(['run', '--config', '/nonexistent/sift.yaml'])).toBe(2);
    expect(io.err()).toContain('/nonexistent/sift.yaml');
  });

  it('exits 2 on an unknown command or flag', async () => {
    capture();
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main(['run', '--nope'])).toBe(2);
  });
});

/**
 * Issue 11 point 9: what the CLI says matches what it does. Rule ids come from
 * the YAML files themselves (read here, not through the compiler); the replay
 * inputs and the config files are written by hand.
 */
describe('sift CLI says what it did (issue 11 point 9)', () => {
  const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

  function shippedIds(dir: string): string[] {
    const ids: string[] = [];
    for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!/\.ya?ml$/.test(f)) continue;
      const m = /^id: *(\S+)/m.exec(readFileSync(join(dir, f), 'utf8'));
      if (m?.[1]) ids.push(m[1]);
    }
    return ids.sort();
  }

  it("rules lint lists every rule id, as 'rules explain' promises", async () => {
    const io = captureAll();
    expect(await main(['rules', 'explain', 'no.such-rule'])).toBe(1);
    expect(io.err()).toContain("'sift rules lint' lists");
    const ids = shippedIds(RULES_DIR);
    expect(ids.length).toBeGreaterThanOrEqual(20);
    expect(await main(['rules', 'lint'])).toBe(0);
    const listed = io.out().split('\n').flatMap((l) => /^✓ (\S+)/.exec(l)?.[1] ?? []).sort();
    expect(listed).toEqual(ids);
  });

  it('rules lint prints each warning under the rule it is about', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-lint-'));
    writeFileSync(
      join(dir, 'bare.yml'),
      'id: tmp.bare\nname: Bare\ndescription: no tests, tags or runbook\nversion: 1\nseverity: low\nscope:\n  datasets: [okta.system]\ndetection:\n  sel:\n    event.action: user.session.start\n  condition: sel\n',
    );
    const io = captureAll();
    expect(await main(['rules', 'lint', dir])).toBe(0);
    const lines = io.out().split('\n');
    const at = lines.findIndex((l) => l.startsWith('✓ tmp.bare'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at + 1, at + 4).map((l) => /^ {2}warning: (no \w+)/.exec(l)?.[1])).toEqual(['no tests', 'no ATT', 'no runbook']);
  });

  /** An Okta System Log event, hand-written after Okta's LogEvent schema. */
  const OKTA = (uuid: string): string =>
    JSON.stringify({ uuid, published: '2026-01-02T03:04:05.000Z', eventType: 'user.session.start', actor: { id: '00u1', type: 'User', alternateId: 'ann@example.com' }, outcome: { result: 'SUCCESS' } });

  function replayDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sift-replay-'));
    writeFileSync(join(dir, 'okta.ndjson'), `${OKTA('e1')}\nnot json\n${OKTA('e2')}\n`);
    // An Elastic pipeline-test fixture: the expected ECS output, not vendor events.
    writeFileSync(join(dir, 'okta.log-expected.json'), JSON.stringify({ expected: [{ '@timestamp': '2026-01-02T03:04:05.000Z', event: { dataset: 'okta.system' } }] }, null, 2));
    return dir;
  }

  it('replay of a folder names each file with bad records and exits 1 when a file held no event at all', async () => {
    const dir = replayDir();
    const io = captureAll();
    expect(await main(['replay', dir, '--source', 'okta'])).toBe(1);
    const err = io.err();
    expect(err).toMatch(/okta\.log-expected\.json: no event in 1 record \(SIFT_\w+ ×1\)/);
    expect(err).toMatch(/okta\.ndjson: 1 refused \(SIFT_DECODE_NOT_JSON ×1\), 2 events from 3 records/);
    expect(err).toContain('--skip-expected');
  });

  it('replay --skip-expected leaves *-expected.json out, says so, and exits 0', async () => {
    const dir = replayDir();
    const io = captureAll();
    expect(await main(['replay', dir, '--source', 'okta', '--skip-expected'])).toBe(0);
    expect(io.err()).toContain('skipped 1 expected-output file (*-expected.json)');
    expect(io.err()).not.toContain('okta.log-expected.json:');
    expect(io.out()).toMatch(/3 records, 2 events, \d+ alerts, 1 errors/);
  });

  it('config check ends with a verdict line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-check-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'elasticsearch:\n  namespace: prod\n');
    let io = captureAll();
    expect(await main(['config', 'check', '-c', good])).toBe(0);
    expect(io.out().trimEnd().split('\n').at(-1)).toBe(`config OK: ${good}`);
    vi.restoreAllMocks();

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'elasticsearch:\n  node: nope\nkafka:\n  brokers: [kafka]\n');
    io = captureAll();
    expect(await main(['config', 'check', '-c', bad])).toBe(2);
    expect(io.err()).toContain('elasticsearch.node');
    expect(io.err().trimEnd().split('\n').at(-1)).toBe(`config INVALID: ${bad} (2 errors)`);
    vi.restoreAllMocks();

    io = captureAll();
    expect(await main(['config', 'check'])).toBe(0);
    expect(io.out().trimEnd().split('\n').at(-1)).toBe('config OK: no file (defaults and SIFT_* environment variables)');
  });
});
