export { createPipeline, planTopics, type Pipeline, type PipelineDeps } from './pipeline.js';
export { prepareBatch, planDataset, type DatasetPlan, type Prepared, type PrepareOptions } from './prepare.js';
export { deadLetterValue, type DeadLetter, type DeadLetterValue } from './dead-letter.js';
export { emptyStats, type PipelineStats } from './stats.js';
