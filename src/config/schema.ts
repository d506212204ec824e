import { knownVendors } from '../ecs/index.js';
import { spec, type Infer } from './spec.js';

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const URL_RE = /^https?:\/\/[^\s]+$/;
const DURATION = /^\d+(ms|s|m|h|d)$/;

/**
 * The whole configuration of `sift run`. Every default works against the local
 * stack (`sift stack up`) with no config file at all.
 */
export const configSpec = spec.object('Sift configuration.', {
  kafka: spec.object('Where raw events come from, and where dead letters go.', {
    brokers: spec.stringList({
      description: 'Bootstrap brokers as host:port.',
      default: ['127.0.0.1:9092'],
      minItems: 1,
      pattern: HOST_PORT,
      patternHint: 'host:port',
      env: 'SIFT_KAFKA_BROKERS',
    }),
    client_id: spec.string({ description: 'Kafka client id.', default: 'sift' }),
    group_id: spec.string({
      description: 'Consumer group. Instances sharing it split the partitions between them.',
      default: 'sift',
      env: 'SIFT_KAFKA_GROUP_ID',
    }),
    from_beginning: spec.bool({
      description: 'With no committed offset yet, start at the earliest record (true) or only new ones (false).',
      default: true,
    }),
    topics: spec.list({
      description: 'Raw topics to consume, and the source (vendor) whose logs each one carries. The source picks each event\'s dataset.',
      minItems: 1,
      default: [{ name: 'sift.raw.okta', source: 'okta' }],
      item: spec.object('A raw topic.', {
        name: spec.string({ description: 'Topic name.', pattern: TOPIC, patternHint: 'a Kafka topic name' }),
        source: spec.enum({
          description: 'Vendor whose audit logs the topic carries (see docs/sources.md).',
          values: knownVendors(),
          default: 'okta',
        }),
      }),
    }),
    dlq_topic: spec.string({
      description: 'Dead-letter topic: records that cannot be decoded, normalized or indexed, with the reason.',
      default: 'sift.dlq',
      pattern: TOPIC,
      patternHint: 'a Kafka topic name',
    }),
    create_topics: spec.bool({
      description: 'Create missing raw and dead-letter topics at start (turn off where topics are managed elsewhere).',
      default: true,
    }),
    topic_partitions: spec.int({ description: 'Partitions of topics Sift creates.', default: 3, min: 1, max: 1000 }),
    session_timeout_ms: spec.int({ description: 'Consumer group session timeout.', default: 30000, min: 6000 }),
    max_bytes_per_partition: spec.int({
      description: 'Most bytes fetched per partition in one fetch; one fetch becomes one batch (bulk request, then commit).',
      default: 4 * 1024 * 1024,
      min: 64 * 1024,
    }),
    partitions_concurrently: spec.int({
      description: 'How many partitions are processed at once by one instance.',
      default: 3,
      min: 1,
      max: 64,
    }),
    ssl: spec.bool({ description: 'Use TLS to the brokers.', default: false, env: 'SIFT_KAFKA_SSL' }),
    sasl: spec.object('SASL authentication (off unless a mechanism is set).', {
      mechanism: spec.enum({
        description: 'SASL mechanism.',
        values: ['none', 'plain', 'scram-sha-256', 'scram-sha-512'],
        default: 'none',
        env: 'SIFT_KAFKA_SASL_MECHANISM',
      }),
      username: spec.string({ description: 'SASL user.', default: '', env: 'SIFT_KAFKA_SASL_USERNAME' }),
      password: spec.string({ description: 'SASL password.', default: '', secret: true, env: 'SIFT_KAFKA_SASL_PASSWORD' }),
    }),
  }),
  elasticsearch: spec.object('Where events are indexed.', {
    node: spec.string({
      description: 'Elasticsearch URL.',
      default: 'http://127.0.0.1:9200',
      pattern: URL_RE,
      patternHint: 'an http(s) URL',
      env: 'SIFT_ES_URL',
    }),
    api_key: spec.string({ description: 'API key (base64 id:key), preferred over username/password.', default: '', secret: true, env: 'SIFT_ES_API_KEY' }),
    username: spec.string({ description: 'Basic-auth user.', default: '', env: 'SIFT_ES_USERNAME' }),
    password: spec.string({ description: 'Basic-auth password.', default: '', secret: true, env: 'SIFT_ES_PASSWORD' }),
    namespace: spec.string({
      description: 'Index namespace: events go to the alias logs-<dataset>-<namespace>.',
      default: 'default',
      pattern: /^[a-z0-9_]{1,100}$/,
      patternHint: 'lowercase letters, digits and _',
      env: 'SIFT_ES_NAMESPACE',
    }),
    request_timeout_ms: spec.int({ description: 'Timeout of one request to Elasticsearch.', default: 30000, min: 1000 }),
    bulk_max_bytes: spec.int({ description: 'Largest bulk request body; bigger batches are split.', default: 5 * 1024 * 1024, min: 64 * 1024 }),
    bulk_max_docs: spec.int({ description: 'Most documents in one bulk request.', default: 2000, min: 1 }),
    retry_initial_ms: spec.int({ description: 'First backoff after a retryable bulk failure (429, 5xx, unreachable).', default: 200, min: 1 }),
    retry_max_ms: spec.int({ description: 'Backoff ceiling; retries go on until shutdown, they never drop events.', default: 30000, min: 1 }),
  }),
  pipeline: spec.object('Processing between Kafka and Elasticsearch.', {
    keep_original: spec.bool({ description: 'Keep the raw record in event.original.', default: false }),
    max_record_bytes: spec.int({
      description: 'Records larger than this go to the DLQ (SIFT_DECODE_TOO_LARGE) instead of being parsed.',
      default: 2 * 1024 * 1024,
      min: 1024,
    }),
    max_depth: spec.int({ description: 'Deepest JSON nesting accepted; deeper records go to the DLQ.', default: 64, min: 4, max: 1000 }),
    shutdown_timeout_ms: spec.int({
      description: 'On SIGTERM/SIGINT, how long in-flight batches may take to drain before Sift exits without committing them.',
      default: 30000,
      min: 0,
    }),
  }),
  rules: spec.object('Detection rules, evaluated on every event between normalize and index (docs/rules.md).', {
    enabled: spec.bool({ description: 'Evaluate detection rules at all.', default: true, env: 'SIFT_RULES_ENABLED' }),
    dir: spec.string({
      description: 'Folder of rule files (*.yml, *.yaml, searched recursively). Empty: the rules/ folder shipped with Sift.',
      default: '',
      env: 'SIFT_RULES_DIR',
    }),
    reload: spec.bool({
      description: 'Watch the folder and hot-reload rules; an edit that does not compile is rejected and the previous rules keep running.',
      default: true,
    }),
    default_lateness: spec.string({
      description: 'How late (in event time) an event may arrive and still count towards stateful rules, unless its dataset says otherwise.',
      default: '5m',
      pattern: DURATION,
      patternHint: 'a duration such as 30s, 5m, 1h',
    }),
    lateness: spec.list({
      description: 'Allowed lateness per dataset: SaaS audit APIs deliver some datasets (Workspace reports, CloudTrail) many minutes late.',
      default: [],
      item: spec.object('Lateness for one dataset.', {
        dataset: spec.string({ description: 'Dataset, e.g. google_workspace.login.' }),
        duration: spec.string({ description: 'Allowed lateness.', pattern: DURATION, patternHint: 'a duration such as 30s, 5m, 1h' }),
      }),
    }),
    max_keys_per_rule: spec.int({
      description: 'Most window keys (groups) a stateful rule holds per partition; the least recently used are evicted beyond it (counted in sift_rules_state_evicted_total).',
      default: 100000,
      min: 10,
    }),
    state_topic: spec.string({
      description: 'Compacted topic where stateful rule windows are checkpointed with the offsets they reflect, so they survive restarts and rebalances.',
      default: 'sift.state',
      pattern: TOPIC,
      patternHint: 'a Kafka topic name',
    }),
  }),
  alerts: spec.object('Where alerts go.', {
    index_prefix: spec.string({
      description: 'Alerts are indexed (by alert id) into <index_prefix>-<namespace>.',
      default: 'sift-alerts',
      pattern: /^[a-z0-9][a-z0-9_.-]{0,100}$/,
      patternHint: 'a lowercase index name prefix',
    }),
    kibana_url: spec.string({
      description: 'Link template put in every alert, e.g. https://kibana.example.com/app/discover#/?_a=(query:(language:kuery,query:\'sift.alert.id:"{alert_id}"\')). Placeholders: {alert_id} {rule_id} {start} {end} {event_ids} {namespace}.',
      default: '',
    }),
  }),
  telemetry: spec.object('Logs, metrics and health endpoints.', {
    log_level: spec.enum({
      description: 'Log level.',
      values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'SIFT_LOG_LEVEL',
    }),
    log_format: spec.enum({
      description: 'json, pretty, or auto (pretty when stdout is a terminal).',
      values: ['auto', 'json', 'pretty'],
      default: 'auto',
      env: 'SIFT_LOG_FORMAT',
    }),
    http_host: spec.string({ description: 'Bind address of /metrics, /healthz and /readyz.', default: '127.0.0.1', env: 'SIFT_HTTP_HOST' }),
    http_port: spec.int({ description: 'Port of /metrics, /healthz and /readyz; 0 picks a free one, -1 disables.', default: 9464, min: -1, max: 65535, env: 'SIFT_HTTP_PORT' }),
  }),
});

export type SiftConfig = Infer<typeof configSpec>;
