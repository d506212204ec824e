export { createLogger, REDACT_PATHS, type Logger, type LoggerOptions } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export { startTelemetryServer, type Health, type TelemetryServer } from './server.js';
