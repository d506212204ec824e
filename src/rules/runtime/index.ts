export { createEngine, DEFAULT_LATENESS_MS, DEFAULT_MAX_KEYS_PER_RULE } from './engine.js';
export { stateBytesEstimate } from './estimate.js';
export { detectInputs } from './inputs.js';
export { decodeKeyed, decodeMarks, encodeKeyed, encodeMarks, KEYED_FORMAT, MARK_KEY } from './keyed-record.js';
export { createReorder, type Reorder, type SourceMark } from './reorder.js';
export { META_KEY } from './partition.js';
export type {
  DetectInput,
  Detection,
  Engine,
  EngineHooks,
  EngineOptions,
  KeyedInput,
  KeyedRule,
  Routed,
  PartitionEngine,
  StateEntry,
} from './types.js';
export { suppressionValues } from './suppression-values.js';
export { eventTime, parseRfc3339 } from './time.js';
export { fingerprintOf } from './plan.js';
export type { NewTermsSeed, SeedSpan } from '../state/index.js';
