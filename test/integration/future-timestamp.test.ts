/**
 * One far-future event must not blind stateful rules, on the real stack: an
 * Okta page holding a failed login dated 9999-12-31 sits between a victim's
 * failed logins; the rest of the brute force arrives packed as NDJSON. The
 * alert below is written by hand: one sequence alert for the victim counting
 * four events. The future-dated event is still indexed, tagged
 * `future_timestamp`, and counted in sift_rules_future_events_total.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bruteForceSequenceRule, oktaEvent } from '../helpers/okta-events.js';
import { cleanup, createTopic, es, offsets, produce, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('future');
const alertsIndex = `sift-alerts-${names.namespace}`;
afterAll(() => cleanup(names, [`it.state.${names.id}`]));

const RULE = bruteForceSequenceRule('it.brute-force-then-success');

const login = (uuid: string, user: string, at: string, result: 'SUCCESS' | 'FAILURE') =>
  JSON.parse(oktaEvent({ uuid, eventType: 'user.session.start', user, at, result, ...(result === 'FAILURE' ? { reason: 'INVALID_CREDENTIALS' } : {}) })) as object;

describe('a far-future timestamp on the real stack', () => {
  it('is indexed and tagged, and the stateful rule still alerts on the events after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-rules-'));
    writeFileSync(join(dir, 'seq.yml'), RULE);
    await createTopic(names.topic, 1);
    const victim = 'victim@example.com';
    // An Okta API page: a failure, the bad clock's event, a failure.
    const page = JSON.stringify([
      login('fut-1', victim, '2026-05-01T10:01:00.000Z', 'FAILURE'),
      login('fut-bad-clock', 'someone@example.com', '9999-12-31T23:59:59.000Z', 'FAILURE'),
      login('fut-2', victim, '2026-05-01T10:02:00.000Z', 'FAILURE'),
    ]);
    const ndjson = [login('fut-3', victim, '2026-05-01T10:03:00.000Z', 'FAILURE'), login('fut-4', victim, '2026-05-01T10:05:00.000Z', 'SUCCESS')]
      .map((e) => JSON.stringify(e))
      .join('\n');
    await produce(names.topic, [page, ndjson]);
    const sift = startSift({ ...testConfig(names), rules: { dir, reload: false, state_topic: `it.state.${names.id}` } });
    let metrics = '';
    try {
      await waitFor(async () => (await offsets(names.group, names.topic)).committed === 2, 120_000, 'both records to be committed');
      metrics = await (await fetch(`http://127.0.0.1:${sift.httpPort()}/metrics`)).text();
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited).toBe(0);

    await es.indices.refresh({ index: [alertsIndex, names.alias] });
    const alerts = await es.search<{ sift: { alert: { count: number; group_key: string } } }>({ index: alertsIndex, query: { term: { 'rule.id': 'it.brute-force-then-success' } } });
    expect(alerts.hits.hits.map((h) => [h._source?.sift.alert.group_key, h._source?.sift.alert.count])).toEqual([[JSON.stringify([victim]), 4]]);

    const docs = await es.search<{ tags?: string[]; '@timestamp': string }>({ index: names.alias, size: 10, query: { match_all: {} } });
    expect(docs.hits.hits).toHaveLength(5);
    const future = docs.hits.hits.filter((h) => h._source?.tags?.includes('future_timestamp'));
    expect(future.map((h) => h._source?.['@timestamp'])).toEqual(['9999-12-31T23:59:59.000Z']);
    expect(metrics).toMatch(/sift_rules_future_events_total\{dataset="okta.system"\} 1\b/);
  }, 240_000);
});
