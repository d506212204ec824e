/**
 * A sequence begun before a crash completes after it, exactly once: three
 * failed Okta logins are consumed, checkpointed to the state topic and
 * committed; Sift is SIGKILLed; the success arrives while it is down; the
 * restarted Sift restores the window from the state topic and raises one alert.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertId } from '../../src/alerts/index.js';
import { generateOkta } from '../../src/generate/index.js';
import { bruteForceSequenceRule, oktaEvent } from '../helpers/okta-events.js';
import { cleanup, createTopic, es, offsets, produce, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('seq');
const alertsIndex = `sift-alerts-${names.namespace}`;
afterAll(() => cleanup(names, [`it.state.${names.id}`]));

const RULE = bruteForceSequenceRule('it.okta-brute-force-then-success', 'output: {fields: [source.ip]}\n');

function login(uuid: string, user: string, at: string, result: 'SUCCESS' | 'FAILURE'): string {
  return oktaEvent({ uuid, eventType: 'user.session.start', user, at, result, ...(result === 'FAILURE' ? { reason: 'INVALID_CREDENTIALS' } : {}) });
}

describe('stateful detection across a crash', () => {
  it('completes a sequence begun before SIGKILL exactly once after restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-rules-'));
    writeFileSync(join(dir, 'seq.yml'), RULE);
    // One partition: the sequence's events must share a partition (state is per partition).
    await createTopic(names.topic, 1);
    const noise = [...generateOkta({ count: 300, seed: 9, start: new Date('2026-05-01T09:00:00Z') })];
    const failures = [1, 2, 3].map((i) => login(`seq-fail-${i}`, 'victim@example.com', `2026-05-01T10:0${i}:00.000Z`, 'FAILURE'));
    await produce(names.topic, [...noise.slice(0, 150), ...failures, ...noise.slice(150)]);
    const config = { ...testConfig(names), rules: { dir, reload: false, state_topic: `it.state.${names.id}` } };

    const first = startSift(config);
    const before = noise.length + failures.length;
    await waitFor(async () => (await offsets(names.group, names.topic)).committed === before, 120_000, 'the failures to be committed');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    await produce(names.topic, [login('seq-success', 'victim@example.com', '2026-05-01T10:05:00.000Z', 'SUCCESS')]);
    const second = startSift(config);
    try {
      await waitFor(async () => (await offsets(names.group, names.topic)).committed === before + 1, 120_000, 'the success to be committed');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('Restored rule state.');

    await es.indices.refresh({ index: alertsIndex });
    const groupKey = JSON.stringify(['victim@example.com']);
    const hits = await es.search<{ sift: { alert: { count: number; group: Record<string, unknown> } } }>({
      index: alertsIndex,
      // Generated noise may complete the sequence for other users; this one is the victim's.
      query: { bool: { filter: [{ term: { 'rule.id': 'it.okta-brute-force-then-success' } }, { term: { 'sift.alert.group_key': groupKey } }] } },
    });
    expect(hits.hits.hits).toHaveLength(1);
    const hit = hits.hits.hits[0];
    expect(hit?._id).toBe(alertId('it.okta-brute-force-then-success', groupKey, Date.parse('2026-05-01T10:01:00.000Z')));
    expect(hit?._source?.sift.alert.count).toBe(4);
  }, 300_000);
});
