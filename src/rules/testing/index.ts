export { prepareEcs, describeFailure, offlinePlan, offlineRecord, type Prepared, type PreparedEvent } from './ingest.js';
export { compareExpectation, contains, jsonEqual, matchAlerts, type Fields } from './match.js';
export { createSuppressor, suppress, type SuppressedDetection, type Suppressor } from './suppress.js';
export { prepareOffline, runCase, runRule, testRuleset, TEST_LATENESS_MS, type Packing, type CaseReport, type RuleReport, type TestReport } from './run.js';
export { sniffVendor, vendorFromName } from './sniff.js';
