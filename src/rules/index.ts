/** The detection engine's public surface: rule schema, compiler and runtime. */
export * from './spec/index.js';
export * from './compile/index.js';
export * from './runtime/index.js';
// Both spec (the `detection:` block) and runtime (what alerting receives) name a type
// `Detection`; outside src/rules/ the word means the runtime's, the block is DetectionBlock.
export type { Detection } from './runtime/index.js';
export type { Detection as DetectionBlock } from './spec/index.js';
