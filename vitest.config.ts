import { defineConfig } from 'vitest/config';

/** Files that run on the secured stack (scripts/stack.sh up --secure, docs/security.md). */
const SECURED = ['test/integration/secure-stack.test.ts', 'test/faults/api-key-revoked.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: SECURED,
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/setup.ts'],
          // Real Kafka and ES on 2 cores: generous per-test limits; these are
          // not timing assertions, only a guard against a hung test.
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          // Fault tests stop, kill and freeze Kafka and ES: one file at a time, on
          // a plain stack of their own (scripts/stack.sh --faults), so `make test`
          // runs them in a second vitest beside the integration project's files.
          include: ['test/faults/**/*.test.ts'],
          exclude: SECURED,
          environment: 'node',
          env: { SIFT_STACK_PROFILE: 'faults' },
          globalSetup: ['test/faults/global-setup.ts'],
          setupFiles: ['test/integration/setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'secure',
          // The secured stack is a second pair of services (ports 9192, 9201): its files run one at a
          // time, beside the integration project's, which stop and restart only the plain stack.
          include: SECURED,
          environment: 'node',
          globalSetup: ['test/integration/secure-setup.ts'],
          setupFiles: ['test/integration/setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
