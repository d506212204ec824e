export { configSpec, type SiftConfig } from './schema.js';
export { loadConfig, applyEnv, ConfigError } from './load.js';
export { validate, type ConfigIssue } from './validate.js';
export { renderConfigReference } from './docs.js';
export { redactConfig, secretValues, REDACTED } from './redact.js';
export { tlsIssues, tlsOptions, tlsWarnings, isHttps, type TlsOptions } from './tls.js';
