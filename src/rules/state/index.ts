export { admit, createKeyedStore, entryKey, parsePosition, parseSources, sourcesText, positionOf, positionText, type KeyedStore, type Slot, type UseCounter } from './keyed.js';
export { thresholdAdd, thresholdCodec, type ThresholdParams } from './threshold.js';
export { cardinalityAdd, cardinalityCodec, type CardinalityParams, type ValueMark } from './cardinality.js';
export { MAX_STEPS, sequenceAdd, sequenceCodec, type SequenceParams, type StepMark } from './sequence.js';
export { MAX_COMBINATIONS, combinations, isNewTerm, newTermsCodec, seenInSeed, type NewTermsSeed, type SeedSpan } from './new-terms.js';
export { MAX_TRAVEL_MARKS, TRAVEL_FIELDS, impossibleHop, travelAdd, travelCodec, type Hop, type PlaceMark, type TravelParams } from './travel.js';
export { distanceKm, geoPointOf, type GeoPoint } from './geo.js';
export { project, projectInto, toJson, type ProjectedField } from './project.js';
export { MAX_EVENT_IDS, MAX_SAMPLE, type Codec, type Fired, type Mark, type StateEntry } from './types.js';
