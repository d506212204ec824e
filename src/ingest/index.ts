export * from './decode/index.js';
export * from './normalize/index.js';
export * from './indexer/index.js';
export * from './kafka/index.js';
export * from './prepare/index.js';
export * from './geoip/index.js';
export * from './registry/index.js';
