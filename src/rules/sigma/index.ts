/**
 * Sigma import: SigmaHQ rules for the sources Sift ingests → Sift rule files.
 * docs/sigma.md describes the mapping; `sift rules import-sigma` drives it.
 */
export { convertSigma } from './convert.js';
export { bindLogsource, describeLogsource, SigmaSource, type Binding, type Logsource } from './logsource.js';
export { resolveField, tableOf, type ResolvedField } from './fields/resolve.js';
export { base64, base64offset, windash, WINDASH_CHARS } from './encode.js';
export { parseSigmaString, toSiftPattern, type SigmaString } from './sigma-string.js';
export { findSigmaFiles, SKIPPED_FOLDERS, type SigmaFiles } from './files.js';
export { buildReport, formatReport, type ImportReport, type ReportEntry } from './report.js';
export { UnsupportedKind, type ConvertResult, type ConvertedRule, type SiftRuleDoc, type SiftSelection, type SiftValue } from './types.js';
