/**
 * Issue 11 point 8 on the real stack: `sift run` creates a dataset's index on
 * the dataset's first event, never one for each dataset its sources could
 * emit (Google Workspace alone has 21), and its alerts index expands replicas
 * like the event indices so a single-node cluster stays green. The expected
 * index names are written by hand from docs/operations.md.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateOkta } from '../../src/generate/index.js';
import { cleanup, createTopic, es, offsets, produce, startSift, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('housekeep');
const okta = `${names.topic}.okta`;
const workspace = `${names.topic}.gws`;

afterAll(async () => {
  await es.indices.delete({ index: `logs-*-${names.namespace}*`, ignore_unavailable: true }).catch(() => undefined);
  await cleanup(names, [okta, workspace]);
});

/** Reports API login activities (one event each), the shape of Google's activities.list items. */
function logins(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      kind: 'admin#reports#activity',
      id: { time: `2026-02-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`, uniqueQualifier: String(1000 + i), applicationName: 'login', customerId: 'C0abc' },
      actor: { callerType: 'USER', email: `user${i}@example.com`, profileId: String(2000 + i) },
      ipAddress: '198.51.100.7',
      events: [{ type: 'login', name: 'login_success', parameters: [{ name: 'login_type', value: 'google_password' }] }],
    }),
  );
}

describe('index housekeeping', () => {
  it('creates only the indices of the datasets it saw, each behind its alias, and a green alerts index', async () => {
    const oktaValues = [...generateOkta({ count: 300, seed: 11, start: new Date('2026-02-01T00:00:00Z') })];
    const workspaceValues = logins(120);
    // Three partitions each: batches of a new dataset arrive concurrently.
    await createTopic(okta, 3);
    await createTopic(workspace, 3);
    await produce(okta, oktaValues);
    await produce(workspace, workspaceValues);

    const sift = startSift({
      kafka: {
        topics: [
          { name: okta, source: 'okta' },
          { name: workspace, source: 'google_workspace' },
        ],
        dlq_topic: names.dlq,
        group_id: names.group,
      },
      elasticsearch: { namespace: names.namespace },
      pipeline: { shutdown_timeout_ms: 10_000 },
      telemetry: { http_port: 0 },
    });
    try {
      await waitFor(async () => {
        const a = await offsets(names.group, okta);
        const b = await offsets(names.group, workspace);
        return a.committed === oktaValues.length && b.committed === workspaceValues.length;
      }, 120_000, 'both topics to be committed');

      const indices = Object.keys(await es.indices.get({ index: `*${names.namespace}*`, expand_wildcards: 'all' })).sort();
      expect(indices).toEqual([
        `logs-google_workspace.login-${names.namespace}-000001`,
        `logs-okta.system-${names.namespace}-000001`,
        `sift-alerts-${names.namespace}`,
        `sift-ops-${names.namespace}`,
      ]);
      // Each event index sits behind its write alias (no concrete index took the alias's name).
      const aliases = await es.indices.getAlias({ name: `logs-*-${names.namespace}` });
      expect(Object.fromEntries(Object.entries(aliases).map(([index, a]) => [index, Object.keys(a.aliases)])).valueOf()).toEqual({
        [`logs-google_workspace.login-${names.namespace}-000001`]: [`logs-google_workspace.login-${names.namespace}`],
        [`logs-okta.system-${names.namespace}-000001`]: [`logs-okta.system-${names.namespace}`],
      });
      await es.indices.refresh({ index: `logs-*-${names.namespace}` });
      expect((await es.count({ index: `logs-google_workspace.login-${names.namespace}` })).count).toBe(120);

      // The alerts index: replicas auto-expand (0 on one node), so its health is green.
      const alertsIndex = `sift-alerts-${names.namespace}`;
      const settings = await es.indices.getSettings({ index: alertsIndex, flat_settings: true });
      expect(settings[alertsIndex]?.settings?.['index.auto_expand_replicas']).toBe('0-1');
      const health = await es.cluster.health({ index: alertsIndex, timeout: '5s' });
      expect(health.status).toBe('green');
    } finally {
      sift.child.kill('SIGTERM');
      await sift.exited;
    }
  }, 180_000);
});
