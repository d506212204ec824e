export { createPipeline, planTopics, type Pipeline, type PipelineDeps } from './pipeline.js';
export { prepareBatch, planSource, type SourcePlan, type Prepared, type PrepareOptions, type DocOrigin } from '../ingest/index.js';
export { deadLetterValue, type DeadLetter, type DeadLetterValue } from './dead-letter.js';
export { emptyStats, type PipelineStats } from './stats.js';
export { preflight, staticChecks, type Preflight } from './preflight.js';
