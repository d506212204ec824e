export { createDispatcher, DEFAULT_RETRY, type Dispatcher, type DispatcherOptions, type DrainResult, type Route } from './dispatcher.js';
export type { DeadLetter, DispatchHooks } from './lane.js';
export { createTokenBucket, retryDelay, type RateLimit, type RetryPolicy, type TokenBucket } from './rate.js';
export { routeMatches, SEVERITY_RANK, type RouteFilter } from './route.js';
export { SinkError, SinkKind, SinkReason, type AlertSink, type SinkErrorOptions } from './sink.js';
export { readPath, summarizeAlert, truncate, type AlertSummary } from './summary.js';
export {
  createRoutes,
  createSink,
  dispatchConfigIssues,
  outboundPolicy,
  retryPolicy,
  verifySinkTargets,
  type DispatchConfig,
  type OutboundConfig,
  type SinkConfig,
} from './build.js';
