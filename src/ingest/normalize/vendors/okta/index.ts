import { single, type Source } from '../../source.js';
import { normalizeOktaSystem } from './system.js';

/** Okta System Log: one LogEvent per record (arrays and NDJSON are split before). */
export const OKTA: Source = { vendor: 'okta', explode: single, normalize: normalizeOktaSystem };
export { normalizeOktaSystem };
