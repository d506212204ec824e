/**
 * A rule that does not compile, through the real CLI on the real stack (issue
 * 11, point 3): `sift run` refuses to start with it, exit 1 before consuming,
 * naming the file, the problem and `rules.allow_invalid`; with
 * `rules.allow_invalid: true` it starts, and /readyz and sift_rules_rejected
 * report the rejected file, before and after hot reloads. The expected
 * problem text is the documented format (docs/rules.md), written by hand.
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, createTopic, offsets, produce, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('rulesbad');
const state = `it.state.${names.id}`;
afterAll(() => cleanup(names, [state]));

function rule(id: string, field: string): string {
  return `id: ${id}
name: ${id}
description: start-up check
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  sel: {${field}: user.session.start}
  condition: sel
`;
}

function folder(): { dir: string; bad: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sift-it-rules-'));
  writeFileSync(join(dir, 'good.yml'), rule('it.good', 'event.action'));
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, rule('it.bad', 'user.nmae'));
  return { dir, bad };
}

/** Saves as `sed -i` does: a new file renamed over the old one. */
function saveByRename(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const OKTA = JSON.stringify({ uuid: 'rules-bad-1', published: '2026-03-01T00:00:00.000Z', eventType: 'user.session.start', outcome: { result: 'SUCCESS' } });

describe('sift run with a rule that does not compile', () => {
  it('refuses to start, naming the file, the problem and rules.allow_invalid, and consumes nothing', async () => {
    await createTopic(names.topic, 1);
    await produce(names.topic, [OKTA]);
    const { dir, bad } = folder();
    const sift = startSift({ ...testConfig(names), rules: { dir, state_topic: state } });
    const code = await Promise.race([sift.exited, new Promise((r) => setTimeout(() => r('still running after 60 s'), 60_000))]);
    if (code !== 1) sift.child.kill('SIGKILL');
    expect(code).toBe(1);
    const out = sift.output();
    expect(out).toContain('Sift could not start.');
    expect(out).toContain(`${bad}:8:9 [it.bad] detection.sel.user.nmae: unknown field \\"user.nmae\\"`);
    expect(out).toContain('rules.allow_invalid: true');
    expect(out).not.toContain('Serving /metrics');
    expect((await offsets(names.group, names.topic)).committed).toBe(0);
  });

  it('with rules.allow_invalid starts, and /readyz and sift_rules_rejected count the rejected file across reloads', async () => {
    const { dir, bad } = folder();
    const sift = startSift({ ...testConfig(names), rules: { dir, allow_invalid: true, state_topic: state } });
    try {
      await waitFor(async () => (await offsets(names.group, names.topic)).committed === 1, 60_000, 'the record to be consumed and committed');
      const port = sift.httpPort();
      expect(port).toBeDefined();
      const readyz = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const gauge = async (): Promise<string | undefined> => /^sift_rules_rejected (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1];
      await waitFor(async () => (await readyz()).status === 200, 30_000, '/readyz to say ready');
      expect((await readyz()).body).toEqual({ status: 'ready', reason: 'consuming', rejected_rules: 1 });
      expect(await gauge()).toBe('1');
      expect(sift.output()).toContain('Rule rejected.');
      expect(sift.output()).toMatch(/"files":\["[^"]*bad\.yml"\][^\n]*Starting without the rule files that do not compile/);
      expect(sift.output()).toMatch(/"rules":1,"rejected":1,[^\n]*Detection rules loaded\./);

      // Fixed by a rename-save: loaded, and nothing is rejected any more.
      saveByRename(bad, rule('it.bad', 'user.name'));
      await waitFor(async () => (await readyz()).body.rejected_rules === 0, 20_000, 'the fix to clear rejected_rules');
      expect(await gauge()).toBe('0');
      expect(sift.output()).toMatch(/"files":\["bad\.yml"\],"rules":2,"rejected":0[^\n]*Rules reloaded\./);

      // Broken again by a second rename-save: the previous version keeps running, and it is counted again.
      saveByRename(bad, rule('it.bad', 'user.nmae'));
      await waitFor(async () => (await readyz()).body.rejected_rules === 1, 20_000, 'the second bad save to be counted');
      expect((await readyz()).status).toBe(200);
      expect(await gauge()).toBe('1');
      expect(sift.output()).toMatch(/"files":\["bad\.yml"\],"rules":2,"rejected":1[^\n]*Rules reloaded\./);
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited).toBe(0);
  });
});
