/**
 * Issue 12, "Secrets and config checks": a distinct canary in every
 * secret-bearing field must never come back out of Sift, whether through
 * `sift config check`, a config error (each field made invalid too), a YAML
 * or JSON parse error on the canary's own line, or the logs of a `sift run`
 * that fails at start. The canaries and the positions are written by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { capture } from '../helpers/capture.js';

afterEach(() => vi.restoreAllMocks());

function tmpFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sift-secrets-')), name);
  writeFileSync(file, text);
  return file;
}

/** Runs `sift <argv>` in-process and returns its exit code and everything printed. */
async function sift(argv: string[]): Promise<{ code: number; all: string; err: string }> {
  const io = capture();
  const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  const code = await main(argv);
  const warnings = warned.mock.calls.map((c) => String(c[0] instanceof Error ? c[0].message : c[0])).join('\n');
  vi.restoreAllMocks();
  return { code, all: `${io.out()}\n${io.err()}\n${warnings}`, err: io.err() };
}

describe('a parse error gives position and reason, never the line (issue 12)', () => {
  it.each([
    ['unclosed quote', 'cfg.yaml', 'elasticsearch:\n  password: "CANARY-yaml-quote\n', /line 3, column 1: a quote, bracket or brace is not closed/],
    ['mapping on one line', 'cfg.yaml', 'elasticsearch:\n  password: CANARY-yaml-colon: x\n', /line 2, column 13: a nested mapping on one line/],
    ['tab indentation', 'cfg.yaml', 'kafka:\n\tpassword: CANARY-yaml-tab\n', /line 2, column 1: tabs are not allowed as indentation/],
    ['duplicate key', 'cfg.yaml', 'elasticsearch:\n  password: a\n  password: CANARY-yaml-dup\n', /line 3, column 3: a key appears twice/],
    ['text after a quoted value', 'cfg.yaml', 'elasticsearch:\n  password: "x" CANARY-yaml-after\n', /line 2, column 17: unexpected text after a value/],
    ['bare word in JSON', 'cfg.json', '{"elasticsearch": {"password": CANARY-json-bare}}', /cannot parse config file .*cfg\.json: Unexpected token/],
    ['unterminated JSON string', 'cfg.json', '{"elasticsearch":\n {"password": "CANARY-json-open}}', /line 2, column \d+: Unterminated string/],
  ])('%s', async (_name, fileName, text, expected) => {
    const file = tmpFile(fileName, text);
    for (const command of [['config', 'check', '-c', file], ['run', '-c', file]]) {
      const { code, all, err } = await sift(command);
      expect(code).toBe(2);
      expect(err).toMatch(expected);
      expect(all).not.toContain('CANARY');
    }
  });

  it('an unknown tag on a secret line is not printed as a warning', async () => {
    const file = tmpFile('cfg.yaml', 'elasticsearch:\n  password: !CANARY-tag x\n');
    const { all } = await sift(['config', 'check', '-c', file]);
    expect(all).not.toContain('CANARY');
  });
});
