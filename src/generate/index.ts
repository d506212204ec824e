export { generateOkta, type GenerateOptions } from './okta.js';
export { produceRecords, type ProduceOptions } from './produce.js';
export { seededRandom } from './random.js';

/** Sources the generator can produce, and the topic each goes to by default. */
export const GENERATOR_SOURCES = { okta: { topic: 'sift.raw.okta', dataset: 'okta.system' } } as const;
export type GeneratorSource = keyof typeof GENERATOR_SOURCES;
export { OKTA_AVRO_SCHEMA_V1, OKTA_AVRO_SCHEMA_V2 } from './okta-avro.js';
