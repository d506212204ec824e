export { FUTURE_TAG, planSource, prepareBatch, type DocOrigin, type Prepared, type PrepareOptions, type RecordDecoder, type SourcePlan } from './prepare.js';
export { stageOf, type DeadLetter } from './dead-letter.js';
