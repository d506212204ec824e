export { CORPUS_VENDORS, discoverCorpus, readRecords, vendorRecords, type CorpusCase } from './corpus.js';
export { canonical, classifyField, compareDocument, sameValue, IGNORED } from './compare.js';
export { runConformance, sourceForCase, type ConformanceReport, type EnrichmentScore, type Mismatch, type Score, type Tally } from './run.js';
