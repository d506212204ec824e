import { knownVendors } from '../ecs/index.js';
import { spec, type Infer } from './spec.js';

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const URL_RE = /^https?:\/\/[^\s]+$/;
const DURATION = /^\d+(ms|s|m|h|d)$/;

/**
 * TLS settings of one peer (the brokers, Elasticsearch), named as Vector
 * names them. Certificates are verified by default; files are read and
 * checked at start (src/config/tls.ts), so a wrong path stops Sift with the
 * field's name before it connects.
 */
function tlsSpec(peer: string, env: string, enabledBy: string) {
  return spec.object(`TLS to ${peer} (used when ${enabledBy}).`, {
    ca_file: spec.string({
      description: `PEM file of the CA certificate(s) that signed ${peer}' certificates. When set, only these CAs are trusted; unset, Node's built-in public CAs are.`,
      default: '',
      env: `${env}_CA_FILE`,
    }),
    crt_file: spec.string({ description: 'PEM client certificate, for mutual TLS (with key_file).', default: '', env: `${env}_CRT_FILE` }),
    key_file: spec.string({ description: 'PEM private key of crt_file.', default: '', env: `${env}_KEY_FILE` }),
    key_pass: spec.string({ description: 'Passphrase of an encrypted key_file.', default: '', secret: true, env: `${env}_KEY_PASS` }),
    verify_certificate: spec.bool({
      description: `Verify ${peer}' certificate chain and host name. false accepts any certificate, so anyone on the path can read and change the traffic: for a throwaway test only (Sift warns at start).`,
      default: true,
      env: `${env}_VERIFY_CERTIFICATE`,
    }),
  });
}

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
        format: spec.enum({
          description:
            'How the topic\'s records are encoded: json (JSON or NDJSON), or avro (the Confluent wire format: magic byte 0, 4-byte schema id, Avro body; writer schemas from kafka.schema_registry, docs/avro.md).',
          values: ['json', 'avro'],
          default: 'json',
        }),
      }),
    }),
    schema_registry: spec.object('The Confluent-compatible schema registry of avro topics and of alerts.kafka.format avro (docs/avro.md).', {
      url: spec.string({
        description:
          'Base URL of the registry\'s Confluent API, e.g. http://127.0.0.1:8081 (Confluent, Karapace) or http://127.0.0.1:8081/apis/ccompat/v7 (Apicurio). Required when a topic or the alerts topic is avro. A user:password in it is a secret.',
        default: '',
        pattern: /^$|^https?:\/\/[^\s]+$/,
        patternHint: 'an http(s) URL',
        env: 'SIFT_KAFKA_SCHEMA_REGISTRY_URL',
        secret: 'url',
      }),
      username: spec.string({ description: 'Basic-auth user (Confluent Cloud: the API key).', default: '', env: 'SIFT_KAFKA_SCHEMA_REGISTRY_USERNAME' }),
      password: spec.string({ description: 'Basic-auth password (Confluent Cloud: the API secret).', default: '', secret: true, env: 'SIFT_KAFKA_SCHEMA_REGISTRY_PASSWORD' }),
      timeout_ms: spec.int({ description: 'Timeout of one request to the registry.', default: 10000, min: 100 }),
      retry_initial_ms: spec.int({ description: 'First backoff while the registry cannot answer (consumption of the waiting partition pauses meanwhile).', default: 500, min: 1 }),
      retry_max_ms: spec.int({ description: 'Backoff ceiling; a schema lookup is retried until the registry answers or Sift stops.', default: 30000, min: 1 }),
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
    connect_timeout_ms: spec.int({
      description:
        'At start, how long Sift waits for a broker to answer (one "Waiting for Kafka." warning per retry, naming the brokers) before it exits with an error naming them.',
      default: 60000,
      min: 1000,
    }),
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
    ssl: spec.bool({ description: 'Use TLS to the brokers (settings in kafka.tls).', default: false, env: 'SIFT_KAFKA_SSL' }),
    tls: tlsSpec('the brokers', 'SIFT_KAFKA_TLS', 'kafka.ssl is true'),
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
      description: 'Elasticsearch URL. A user:password in it is a secret (never printed; prefer api_key or username/password).',
      default: 'http://127.0.0.1:9200',
      pattern: URL_RE,
      patternHint: 'an http(s) URL',
      env: 'SIFT_ES_URL',
      secret: 'url',
    }),
    api_key: spec.string({ description: 'API key (base64 id:key), preferred over username/password.', default: '', secret: true, env: 'SIFT_ES_API_KEY' }),
    username: spec.string({ description: 'Basic-auth user.', default: '', env: 'SIFT_ES_USERNAME' }),
    password: spec.string({ description: 'Basic-auth password.', default: '', secret: true, env: 'SIFT_ES_PASSWORD' }),
    tls: tlsSpec('Elasticsearch', 'SIFT_ES_TLS', 'elasticsearch.node is https://'),
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
    ops_index: spec.object(
      'The pipeline-health index <prefix>-<namespace>: per delivered batch, events indexed and ingest lag per dataset, and dead letters per reason, for the Kibana overview (docs/kibana.md). Best effort: written after each batch without holding its commit; a failed write is counted in sift_ops_docs_failed_total. The dead-letter topic stays the record of truth.',
      {
        enabled: spec.bool({ description: 'Create the index at start and write it after each batch.', default: true, env: 'SIFT_ES_OPS_INDEX_ENABLED' }),
        prefix: spec.string({
          description: 'The index is <prefix>-<namespace>; the Kibana data view is <prefix>-*.',
          default: 'sift-ops',
          pattern: /^[a-z0-9][a-z0-9_.-]{0,100}$/,
          patternHint: 'a lowercase index name prefix',
        }),
      },
    ),
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
  enrich: spec.object('Enrichment of every event after normalize and before detection, so rules can use it (docs/enrichment.md).', {
    geoip: spec.object('GeoIP and ASN: source.ip and client.ip → *.geo.* and *.as.* where the vendor sent none; private and reserved addresses are never looked up.', {
      enabled: spec.bool({ description: 'Enrich at all. The databases are loaded once at start (about 0.5 s and 150 MB of memory with the shipped ones).', default: true, env: 'SIFT_GEOIP_ENABLED' }),
      city_database: spec.string({
        description:
          'A MaxMind GeoIP2 or GeoLite2 City (or Country) .mmdb file to use instead of the shipped DB-IP IP to City Lite database (CC BY 4.0). Checked at start.',
        default: '',
        env: 'SIFT_GEOIP_CITY_DATABASE',
      }),
      asn_database: spec.string({
        description: 'A MaxMind GeoIP2 or GeoLite2 ASN (or ISP) .mmdb file to use instead of the shipped RouteViews + DB-IP ASN table (CC BY 4.0). Checked at start.',
        default: '',
        env: 'SIFT_GEOIP_ASN_DATABASE',
      }),
    }),
  }),
  rules: spec.object('Detection rules, evaluated on every event between normalize and index (docs/rules.md).', {
    enabled: spec.bool({ description: 'Evaluate detection rules at all.', default: true, env: 'SIFT_RULES_ENABLED' }),
    dir: spec.string({
      description: 'Folder of rule files (*.yml, *.yaml, searched recursively). Empty: the rules/ folder shipped with Sift.',
      default: '',
      env: 'SIFT_RULES_DIR',
    }),
    lookup_paths: spec.stringList({
      description:
        'Lookup tables (*.csv, *.yml, *.yaml) besides the lookups/ folder of the rules folder: files, or folders whose tables are read (not recursively). A table is named after its file; two of one name are an error. Watched and reloaded with the rules (docs/rules.md, Lookup tables).',
      default: [],
    }),
    reload: spec.bool({
      description: 'Watch the folder and hot-reload rules; an edit that does not compile is rejected and the previous rules keep running.',
      default: true,
    }),
    allow_invalid: spec.bool({
      description:
        'Start even when rule files do not compile, running the others (each rejection is logged, counted in sift_rules_rejected and in /readyz rejected_rules). Off: sift run refuses to start and names the files.',
      default: false,
      env: 'SIFT_RULES_ALLOW_INVALID',
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
    max_future_skew: spec.string({
      description:
        'How far an event time may lie ahead of its Kafka record timestamp (in replay: the time the file is read). An event beyond it is indexed (tagged future_timestamp) and seen by single-event rules, but never moves the stateful watermark, so one bad clock cannot blind stateful rules (counted in sift_rules_future_events_total).',
      default: '5m',
      pattern: DURATION,
      patternHint: 'a duration such as 30s, 5m, 1h',
    }),
    max_keys_per_rule: spec.int({
      description: 'Most window keys (groups) a stateful rule holds per partition; the least recently used are evicted beyond it (counted in sift_rules_state_evicted_total).',
      default: 100000,
      min: 10,
    }),
    regex_max_input_bytes: spec.int({
      description:
        'UTF-8 bytes of a field that a regex test (re, and wildcard patterns that are not a plain equals/contains/startswith/endswith) reads: a match must end within them, so text past the cap never matches. Bounds the worst case, which is about (characters read) x (NFA states) steps (docs/rules.md).',
      default: 65536,
      min: 1024,
    }),
    state_topic: spec.string({
      description: 'Compacted topic where stateful rule windows are checkpointed with the offsets they reflect, so they survive restarts and rebalances.',
      default: 'sift.state',
      pattern: TOPIC,
      patternHint: 'a Kafka topic name',
    }),
    stateful: spec.enum({
      description:
        'Where stateful windows (threshold, cardinality, sequence, new_terms, suppression) live. keyed: each matching event is re-keyed by the rule\'s group value into rules.keyed_topic and a detect stage owns the windows of its partitions, so detection is right however producers partition and rules can join datasets. local: windows per raw-topic partition, right only when producers already partition by the group (or topics have one partition). See docs/operations.md.',
      values: ['keyed', 'local'],
      default: 'keyed',
      env: 'SIFT_RULES_STATEFUL',
    }),
    keyed_topic: spec.string({
      description: 'Internal topic of re-keyed events (keyed mode). Empty: <kafka.group_id>.keyed. Its windows are checkpointed to <keyed_topic>.state, partition by partition.',
      default: '',
      pattern: /^$|^[A-Za-z0-9._-]{1,240}$/,
      patternHint: 'a Kafka topic name',
    }),
    keyed_partitions: spec.int({
      description: 'Partitions of the keyed topic (and of its state topic) when Sift creates them: the most detect-stage instances that share the work.',
      default: 6,
      min: 1,
      max: 1000,
    }),
    keyed_fetch_wait_ms: spec.int({
      description:
        'Keyed mode: how long a fetch of the detect stage may wait for more keyed records (up to 1 MiB) before its batch is evaluated. Each batch ends with a checkpoint of the windows it changed, so at a trickle fewer, larger batches cost far less CPU; stateful alerts come up to this much later. 0: evaluate whatever has arrived at once.',
      default: 250,
      min: 0,
      max: 5000,
    }),
    keyed_reorder: spec.object(
      'Keyed mode: events wait in the detect stage until every source partition has passed their event time, so stateful rules see each group\'s events in event time even when a backlog arrives one source partition at a time (docs/keyed-order.md).',
      {
        enabled: spec.bool({ description: 'Apply keyed events in event time across source partitions. false: in arrival order (no waiting, no markers).', default: true, env: 'SIFT_RULES_KEYED_REORDER' }),
        max_events: spec.int({
          description: 'Most keyed events waiting per keyed partition; beyond it the earliest is applied without waiting (counted in sift_keyed_reorder_forced_total), so a source partition no one consumes delays detection instead of stopping it.',
          default: 100000,
          min: 1,
          max: 10000000,
        }),
        idle_ms: spec.int({
          description: 'A source partition that is caught up and has had no new record for this long is idle: events of other sources no longer wait for it. Lower: stateful alerts wait less on quiet sources; higher: a source that pauses mid-stream is less likely to be passed.',
          default: 1000,
          min: 50,
          max: 600000,
        }),
      },
    ),
    new_terms_seed: spec.object(
      'new_terms rules learn their baseline from history already in Elasticsearch (the logs-<dataset>-<namespace> indices of the last `history`), at start and when a hot reload adds or changes such a rule, instead of treating every first sight after a deploy as a baseline to learn (docs/rules.md, Seeding new_terms from history).',
      {
        enabled: spec.bool({ description: 'Seed new_terms rules from Elasticsearch.', default: true, env: 'SIFT_RULES_NEW_TERMS_SEED' }),
        timeout: spec.string({
          description: 'Longest a rule\'s seeding may take; detection waits for it (events queue in Kafka meanwhile). On the bound, what was read is used and the rest is logged as not seeded.',
          default: '30s',
          pattern: DURATION,
          patternHint: 'a duration such as 30s, 5m, 1h',
        }),
        max_terms: spec.int({
          description: 'Most (group, term) pairs read per rule; beyond it the remaining pairs (in the aggregation\'s key order) are not seeded, and this is logged.',
          default: 100000,
          min: 1,
          max: 10000000,
        }),
      },
    ),
  }),
  alerts: spec.object('Where alerts go (docs/alerts.md): the alerts index and Kafka topic always; Slack, PagerDuty and webhooks when configured.', {
    index_prefix: spec.string({
      description: 'Alerts are indexed (by alert id) into <index_prefix>-<namespace>.',
      default: 'sift-alerts',
      pattern: /^[a-z0-9][a-z0-9_.-]{0,100}$/,
      patternHint: 'a lowercase index name prefix',
    }),
    topic: spec.string({
      description: 'Kafka topic every alert is written to, keyed by alert id, before the batch that raised it is committed. Notifications (sinks) are delivered from it.',
      default: 'sift.alerts',
      pattern: TOPIC,
      patternHint: 'a Kafka topic name',
    }),
    kafka: spec.object('The encoding of alerts.topic.', {
      format: spec.enum({
        description:
          'json, or avro: each alert in the Confluent wire format with Sift\'s alert schema (docs/avro.md), registered under <topic>-value in kafka.schema_registry at start (Sift refuses to start if the registry refuses it).',
        values: ['json', 'avro'],
        default: 'json',
        env: 'SIFT_ALERTS_KAFKA_FORMAT',
      }),
    }),
    dlq_topic: spec.string({
      description: 'Alerts a sink could not deliver within its retry budget (or refused for good), with the sink and reason.',
      default: 'sift.alerts.dlq',
      pattern: TOPIC,
      patternHint: 'a Kafka topic name',
    }),
    ledger_ttl: spec.string({
      description:
        'How long the notifier remembers a delivered alert id (in rules.state_topic) so that a re-read alert is not paged twice; older ids are tombstoned. Keep it at least the retention of alerts.topic (and of the raw topics, whose replay re-writes alerts): default 7d, Kafka\'s default retention.ms.',
      default: '7d',
      pattern: DURATION,
      patternHint: 'a duration such as 12h, 7d',
    }),
    kibana_url: spec.string({
      description: 'Link template put in every alert, e.g. https://kibana.example.com/app/discover#/?_a=(query:(language:kuery,query:\'sift.alert.id:"{alert_id}"\')). Placeholders: {alert_id} {rule_id} {start} {end} {event_ids} {namespace}. Its userinfo, query and fragment are treated as secrets (a token may ride there) and never printed.',
      default: '',
      pattern: /^$|^https?:\/\/[^\s]+$/,
      patternHint: 'an http(s) URL without spaces',
      secret: 'url',
    }),
    outbound: spec.object('Outbound safety for Slack, PagerDuty and webhook targets (checked at start and before every request and redirect).', {
      allow_hosts: spec.stringList({
        description: 'Hosts sinks may reach: exact names, or *.suffix. A sink whose host is not listed is refused at start.',
        default: ['hooks.slack.com', 'events.pagerduty.com'],
      }),
      allow_http: spec.bool({ description: 'Allow plain http:// targets (https only otherwise).', default: false }),
      allow_private_networks: spec.bool({
        description: 'Allow targets resolving to private ranges (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10, local-use NAT64 64:ff9b:1::/48). Link-local and metadata addresses stay refused.',
        default: false,
      }),
      allow_loopback: spec.bool({ description: 'Allow targets resolving to loopback (127/8, ::1): for local testing only.', default: false }),
    }),
    retry: spec.object('Retries of one alert to one sink: exponential backoff with full jitter, honouring Retry-After; then the alert DLQ.', {
      initial_ms: spec.int({ description: 'First backoff.', default: 500, min: 1 }),
      max_ms: spec.int({ description: 'Backoff ceiling.', default: 30000, min: 1 }),
      attempts: spec.int({ description: 'Attempts before the alert goes to the alert DLQ.', default: 6, min: 1, max: 100 }),
    }),
    sinks: spec.list({
      description: 'Notification sinks. Each gets every alert its filters pass, on its own queue, retry budget and rate limit.',
      default: [],
      item: spec.object('One sink.', {
        name: spec.string({ description: 'Unique name (a metric label): lowercase letters, digits, _ . -' }),
        type: spec.enum({ description: 'slack (incoming webhook), pagerduty (Events API v2) or webhook (JSON + HMAC signature).', values: ['slack', 'pagerduty', 'webhook'], default: 'webhook' }),
        url: spec.string({ description: 'Target URL (Slack hook URL, PagerDuty enqueue URL, webhook URL). Secret: hook URLs carry tokens.', default: '', secret: 'url' }),
        url_env: spec.string({ description: 'Name of an environment variable holding the URL instead.', default: '', secretEnv: true }),
        routing_key: spec.string({ description: 'PagerDuty integration (routing) key.', default: '', secret: true }),
        routing_key_env: spec.string({ description: 'Name of an environment variable holding the routing key instead.', default: '', secretEnv: true }),
        secret: spec.string({ description: 'Webhook HMAC-SHA256 signing secret (16+ characters).', default: '', secret: true }),
        secret_env: spec.string({ description: 'Name of an environment variable holding the signing secret instead.', default: '', secretEnv: true }),
        headers: spec.stringList({
          description: 'Webhook only: extra request headers, each "Name: value" (never Content-Type or X-Sift-*; dropped on a redirect to another origin). Values are secrets (Authorization, API keys): only names are printed.',
          default: [],
          secret: 'header',
          pattern: /^[A-Za-z0-9-]+:\s*\S.*$/,
          patternHint: 'Name: value',
        }),
        min_severity: spec.enum({ description: 'Lowest severity this sink receives.', values: ['low', 'medium', 'high', 'critical'], default: 'low' }),
        include_rules: spec.stringList({ description: 'Only these rule ids (empty: all).', default: [] }),
        exclude_rules: spec.stringList({ description: 'Never these rule ids.', default: [] }),
        rate_per_second: spec.int({ description: 'Requests per second to this sink (0: the sink type\'s default; Slack allows about 1/s per hook).', default: 0, min: 0 }),
        burst: spec.int({ description: 'Requests allowed at once above the rate (0: the default).', default: 0, min: 0 }),
        concurrency: spec.int({ description: 'Requests in flight to this sink.', default: 1, min: 1, max: 4 }),
        queue_size: spec.int({ description: 'Alerts waiting for this sink; beyond it the oldest go to the alert DLQ (queue_full).', default: 1000, min: 1 }),
        timeout_ms: spec.int({ description: 'Timeout of one request.', default: 10000, min: 100 }),
      }),
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
