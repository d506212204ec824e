export { readPantherCorpus, CorpusError, type PantherRuleFile, type PantherTest } from './panther-corpus.js';
export { PANTHER_LOG_TYPES } from './log-types.js';
export { ruleActsOn } from './verdict.js';
export { coverageOf, TACTICS, type CoverageReport, type PantherGap, type SourceCoverage } from './coverage.js';
export { verifyRules, type Coverage, type Disagreement, type RuleVerification, type VerifyReport } from './verify.js';
export { catalogMarkdown } from './catalog.js';
