import { describe } from 'vitest';
import { complianceSuite } from '../helpers/compliance.js';
import { elasticExpected, pantherLogs } from '../helpers/corpus.js';

describe('okta compliance', () => {
  complianceSuite('okta', () => [
    ...elasticExpected('okta', 'system', 'test-okta-system-no-flattened-events.log').expected.map((d) => JSON.parse((d['event'] as { original: string }).original) as unknown),
    ...pantherLogs('okta_rules').map((p) => p.test.log),
  ]);
});
