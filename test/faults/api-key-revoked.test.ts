/**
 * The API key Sift writes with is revoked mid-stream, then replaced, on the
 * secured stack (scripts/stack.sh up --secure). A revoked key is not a bad
 * record and not an outage that clears by itself: Sift must stop consuming
 * at once with an error naming the refused credentials, commit nothing past
 * what was indexed, and exit non-zero, so the orchestrator restarts it. The
 * operator replaces the key in the mounted secret file
 * (elasticsearch.api_key_file); the restarted Sift delivers every event and
 * alert exactly once.
 *
 * The secured stack is its own pair of services (ports 9192, 9201), so this
 * scenario runs beside the shared stack's tests.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorkload,
  checkDelivery,
  cleanupFault,
  committedNow,
  expectExactlyOnce,
  faultConfig,
  faultNames,
  produceWorkload,
  report,
  saveLog,
  waitAllCommitted,
} from '../helpers/fault-check.js';
import { createSiftKey, revokeKey, secureStackUp, type SecureStack } from '../helpers/secure-stack.js';
import { createTopic, es, startSift, useClients, waitFor } from '../helpers/stack.js';

const names = faultNames('api-key-revoked');
let stack: SecureStack;

beforeAll(async () => {
  stack = await secureStackUp();
  useClients(stack);
}, 300_000);
afterAll(() => cleanupFault(names));

describe('API key revoked mid-stream, then replaced', () => {
  it('stops without committing past the refusal, and the restart with a new key delivers everything exactly once', async () => {
    const w = buildWorkload(names, { count: 3000, seed: 23, partitions: 2 });
    const total = w.records.length;
    await createTopic(names.topic, 2);
    await produceWorkload(names.topic, w);
    const keyFile = join(mkdtempSync(join(tmpdir(), 'sift-key-')), 'es-api-key');
    const first = await createSiftKey(es, `sift-${names.id}-1`);
    writeFileSync(keyFile, `${first.encoded}\n`);
    const env = { ...stack.env, SIFT_ES_API_KEY_FILE: keyFile };
    // Small fetches: many batches, so the revocation lands mid-stream.
    const config = faultConfig(names, { partitions: 2, kafka: { max_bytes_per_partition: 64 * 1024 } });

    const before = startSift(config, env);
    let stoppedAt = 0;
    let atRevoke = 0;
    try {
      await waitFor(async () => ((await committedNow(names)) ?? 0) > 0, 60_000, 'a first commit');
      await revokeKey(es, first.id);
      atRevoke = (await committedNow(names)) ?? 0;
      const code = await Promise.race([before.exited, new Promise((r) => setTimeout(() => r('still running 60 s after the revocation'), 60_000))]);
      stoppedAt = Date.now();
      expect(code, before.output().slice(-3000)).toBe(1);
      const errors = before.output().split('\n').filter((l) => /"level":(50|60)/.test(l));
      expect(errors.join('\n')).toMatch(/refused Sift's credentials \(401.*elasticsearch\.api_key is wrong, expired or revoked/);
    } finally {
      before.child.kill('SIGKILL');
      saveLog('api-key-revoked-1', before.output());
    }
    const committedAtStop = (await committedNow(names)) ?? 0;
    expect(committedAtStop).toBeLessThan(total); // really mid-stream

    // The operator rotates the secret; the orchestrator restarts Sift.
    const second = await createSiftKey(es, `sift-${names.id}-2`);
    writeFileSync(keyFile, `${second.encoded}\n`);
    const after = startSift(config, env);
    try {
      const done = await waitAllCommitted(names, total, 120_000, [after]);
      after.child.kill('SIGTERM');
      expect(await after.exited).toBe(0);
      const d = report('api-key-revoked', { ...(await checkDelivery(names, w)), recovery_seconds: (done - stoppedAt) / 1000 }, {
        committed_at_revoke: atRevoke,
        committed_at_stop: committedAtStop,
        secured_stack_up_seconds: Math.round(stack.upSeconds * 10) / 10,
      });
      expectExactlyOnce(d);
    } finally {
      after.child.kill('SIGKILL');
      saveLog('api-key-revoked-2', after.output());
    }
  }, 300_000);
});
