import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { BROKERS, ES_URL, metric, percentiles, reachable, sleep, startSift, until, type Percentiles, type SiftChild } from './live.js';

/**
 * produce → alert latency of a real `sift run`, in keyed mode (the default,
 * with the event-time reorder of docs/keyed-order.md), keyed mode with the
 * reorder off (`arrival`) and local mode, measured in the same run on the
 * real Kafka and Elasticsearch.
 *
 * Three `sift run` children (built CLI, config file, as users run it), one per
 * mode, each with its own raw topic (6 partitions), group, alerts topic and
 * index namespace, and one rule: a threshold of 25 failed Okta sign-ins per
 * user.name within a minute. A producer in this process feeds one child at a
 * time at a steady 1,000 events/s (a send every 10 ms), in 10-second blocks
 * that alternate between the modes (interleaved, so the machine's load hits
 * both alike); the idle child waits on its fetch. Raw records are keyed by
 * user, so local mode's windows are right too (the case where local mode is
 * legitimate): both modes raise the same alerts and only the path differs.
 *
 * The produce time rides in the record itself: each event's `published` (its
 * event time) is the wall clock when the producer hands it to kafkajs. A
 * user's events reach the windows in produce order in both modes (one raw
 * partition per user; one keyed partition per group), so the event that
 * completes a threshold is its newest: the alert's `sift.alert.last_event`
 * is the produce time of the record that completed the detection.
 *
 * An alert counts as seen when this process reads it from the mode's alerts
 * topic: the topic is written after the alerts index, just before the batch
 * commits, and it is what the notifier reads, so arrival there is when an
 * alert exists for everyone downstream. `event.created` is stamped before
 * either write (src/pipeline/alerting.ts), so it would flatter both modes;
 * it and the alert record's Kafka timestamp are kept as a breakdown.
 */
const RATE = 1000;
const TICK_MS = 10;
const BLOCK_MS = 10_000;
const WARMUP_BLOCKS = 1;
const MEASURED_BLOCKS = 6;
const USERS = 200;
const THRESHOLD = 25;
/** keyed: the default (event-time reorder, docs/keyed-order.md); arrival: keyed with rules.keyed_reorder.enabled false; local. */
const MODES = ['keyed', 'arrival', 'local'] as const;
type Mode = (typeof MODES)[number];
const perMode = <T>(f: (mode: Mode) => T): Record<Mode, T> => ({ keyed: f('keyed'), arrival: f('arrival'), local: f('local') });


export interface Breakdown {
  to_created: number;
  index_write: number;
  to_reader: number;
  to_keyed_write?: number;
  keyed_to_created?: number;
}

export interface Profile {
  /** Bulk requests to Elasticsearch (events and alerts) and their mean duration. */
  bulk_requests: number;
  bulk_mean_ms: number;
  /** Batches committed per topic role: raw (ingest stage), keyed (detect stage). */
  batches: { raw: number; keyed: number };
  /** Events per raw batch, on average. */
  events_per_raw_batch: number;
}

export interface LatencyResult {
  name: string;
  rate_per_s: number;
  measured_s_per_mode: number;
  events_per_mode: Record<Mode, number>;
  /** produce → alert read from the alerts topic, ms. */
  latency_ms: Record<Mode, Percentiles>;
  /**
   * Where the time goes, ms: produce → event.created (consume, prepare, index,
   * the hop in keyed mode, windows); created → the alert record's timestamp
   * (alerts index write); that timestamp → read here. Keyed mode splits
   * to_created at the keyed record's timestamp (set by Sift's producer when the
   * ingest stage writes it): produce → keyed write (ingest stage: fetch,
   * prepare, events index write) and keyed write → created (the hop: produce
   * ack, the detect stage's fetch, windows).
   */
  breakdown_p50_ms: Record<Mode, Breakdown>;
  breakdown_p99_ms: Record<Mode, Breakdown>;
  ratio_p50: number;
  ratio_p99: number;
  /** keyed / arrival: what the event-time reorder costs. */
  reorder_ratio_p50: number;
  reorder_ratio_p99: number;
  /** From each child's /metrics over the whole run (warm-up included): where a batch's time goes. */
  profile: Record<Mode, Profile | undefined>;
  load_average: { before: number[]; after: number[] };
}

type Child = SiftChild & { readonly mode: Mode };

/** A `sift run` child in one stateful mode. */
const sift = (mode: Mode, config: Record<string, unknown>, dir: string): Child => ({
  ...startSift({ name: mode, config, dir, env: mode === 'arrival' ? { SIFT_RULES_STATEFUL: 'keyed', SIFT_RULES_KEYED_REORDER: 'false' } : { SIFT_RULES_STATEFUL: mode } }),
  mode,
});

const RULE = `id: bench.latency.threshold
name: Bench threshold that fires often
description: 25 failed sign-ins of one user within a minute (keyed-latency benchmark).
version: 1
severity: low
risk_score: 1
scope: {datasets: [okta.system]}
detection:
  failed: {event.action: user.session.start, event.outcome: failure}
  condition: failed
threshold: {count: ${THRESHOLD}, group_by: [user.name], window: 1m}
`;

/** One failed sign-in, as the System Log API returns it (the fields Sift maps; ids unique per event). */
function logEvent(seq: number, user: number, published: string, runId: string): string {
  const login = `user${user}@bench.example.com`;
  return JSON.stringify({
    uuid: `${runId}-${seq}`,
    published,
    eventType: 'user.session.start',
    legacyEventType: 'core.user_auth.login_failed',
    displayMessage: 'User login to Okta',
    severity: 'WARN',
    version: '0',
    actor: { id: `00ubench${user}`, type: 'User', alternateId: login, displayName: `User ${user}` },
    client: { ipAddress: `198.51.100.${user % 250}`, device: 'Computer', zone: 'null', userAgent: { rawUserAgent: 'python-requests/2.31.0', browser: 'UNKNOWN', os: 'Unknown' } },
    outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    transaction: { type: 'WEB', id: `tx${runId}${seq}` },
  });
}

/** Feeds `topic` at RATE for `ms`; returns the [start, end) produce-time interval and the events sent. */
async function feed(producer: Producer, topic: string, ms: number, state: { seq: number; runId: string }): Promise<{ from: number; to: number; events: number }> {
  const from = Date.now();
  let sent = 0;
  const pending: Promise<unknown>[] = [];
  for (let tick = 1; ; tick++) {
    const now = Date.now();
    if (now - from >= ms) break;
    // Catch up on the schedule rather than drift: due = RATE × elapsed.
    const due = Math.floor(((now - from) * RATE) / 1000) - sent;
    if (due > 0) {
      const published = new Date(now).toISOString();
      const messages = Array.from({ length: due }, () => {
        const seq = state.seq++;
        const user = seq % USERS;
        return { key: `user${user}`, value: logEvent(seq, user, published, state.runId) };
      });
      sent += due;
      pending.push(producer.send({ topic, acks: -1, messages }));
    }
    await sleep(Math.max(0, from + tick * TICK_MS - Date.now()));
  }
  await Promise.all(pending);
  return { from, to: Date.now(), events: sent };
}

interface Seen {
  mode: Mode;
  /** The completing event's _id (the alert's last event id). */
  last: string;
  produced: number;
  created: number;
  recordTs: number;
  read: number;
}

export async function benchKeyedLatency(say: (s: string) => void): Promise<LatencyResult | { skipped: string }> {
  const kafka = new Kafka({ clientId: 'sift-bench', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const why = await reachable(kafka);
  if (why !== undefined) return { skipped: `keyed-latency needs Kafka and Elasticsearch (scripts/stack.sh up): ${why}` };

  const runId = `bench${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'sift-bench-'));
  mkdirRules(dir);
  const names = (mode: Mode) => ({
    raw: `bench.raw.${runId}.${mode}`,
    dlq: `bench.dlq.${runId}.${mode}`,
    alerts: `bench.alerts.${runId}.${mode}`,
    alertsDlq: `bench.alerts-dlq.${runId}.${mode}`,
    state: `bench.state.${runId}.${mode}`,
    group: `bench-${runId}-${mode}`,
    namespace: `${runId}${mode}`,
  });
  const admin = kafka.admin();
  await admin.connect();
  const children: Child[] = [];
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const reader = kafka.consumer({ groupId: `bench-${runId}-reader` });
  const seen: Seen[] = [];
  const keyedTopic = `${names('keyed').group}.keyed`;
  /** Keyed record timestamp by event _id. */
  const keyedAt = new Map<string, number>();
  const before = loadavg();
  try {
    // Every topic up front, leaders elected, with the settings Sift would
    // give them: the two children start at once, and one start that left
    // topic creation to them exited with "This server does not host this
    // topic-partition" (cause not established; the broker is shared).
    const compacted = [{ name: 'cleanup.policy', value: 'compact' }];
    await admin.createTopics({
      waitForLeaders: true,
      topics: MODES.flatMap((m) => {
        const n = names(m);
        return [
          { topic: n.raw, numPartitions: 6, replicationFactor: 1 },
          { topic: n.dlq, numPartitions: 6, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: String(64 * 1024 * 1024) }] },
          { topic: n.alerts, numPartitions: 6, replicationFactor: 1 },
          { topic: n.alertsDlq, numPartitions: 1, replicationFactor: 1 },
          { topic: n.state, numPartitions: 6, replicationFactor: 1, configEntries: compacted },
          ...(m !== 'local'
            ? [
                { topic: `${n.group}.keyed`, numPartitions: 6, replicationFactor: 1 },
                { topic: `${n.group}.keyed.state`, numPartitions: 6, replicationFactor: 1, configEntries: compacted },
              ]
            : []),
        ];
      }),
    });
    for (const mode of MODES) {
      const n = names(mode);
      children.push(
        sift(
          mode,
          {
            kafka: { brokers: BROKERS, topics: [{ name: n.raw, source: 'okta' }], dlq_topic: n.dlq, group_id: n.group, from_beginning: true, topic_partitions: 6 },
            elasticsearch: { node: ES_URL, namespace: n.namespace },
            rules: { dir: join(dir, 'rules'), reload: false, state_topic: n.state, stateful: mode === 'local' ? 'local' : 'keyed', keyed_partitions: 6, keyed_reorder: { enabled: mode !== 'arrival' } },
            alerts: { topic: n.alerts, dlq_topic: n.alertsDlq },
            // A free port: /metrics is read at the end for the profile.
            telemetry: { http_port: 0, http_host: '127.0.0.1' },
          },
          dir,
        ),
      );
    }
    await producer.connect();
    await reader.connect();
    for (const m of MODES) await reader.subscribe({ topic: names(m).alerts, fromBeginning: true });
    // The keyed topic too: when the ingest stage wrote each event's keyed record.
    await reader.subscribe({ topic: keyedTopic, fromBeginning: true });
    const modeOf = new Map(MODES.map((m) => [names(m).alerts, m]));
    await reader.run({
      eachBatch: async ({ batch }) => {
        const read = Date.now();
        if (batch.topic === keyedTopic) {
          for (const m of batch.messages) {
            const id = keyedId(m.value);
            if (id !== undefined) keyedAt.set(id, Number(m.timestamp));
          }
          return;
        }
        const mode = modeOf.get(batch.topic);
        if (mode === undefined) return;
        for (const m of batch.messages) {
          const alert = parseAlert(m.value);
          if (alert === undefined || alert.update) continue;
          seen.push({ mode, last: alert.lastId, produced: alert.lastEvent, created: alert.created, recordTs: Number(m.timestamp), read });
        }
      },
    });
    say('keyed-latency: waiting for both sift run children to consume…');
    // Keyed mode consumes from two groups (raw and keyed topics); both log once they have joined.
    for (const c of children) {
      const joins = c.mode !== 'local' ? 2 : 1;
      await until(() => (c.output().match(/Joined the consumer group/g) ?? []).length >= joins || c.proc.exitCode !== null, 90_000, `${c.mode} sift run to join its groups`);
      if (c.proc.exitCode !== null) throw new Error(`${c.mode} sift run exited (${c.proc.exitCode}):\n${c.output().slice(-3000)}`);
    }

    const state = { seq: 0, runId };
    const measured: Record<Mode, { from: number; to: number }[]> = perMode(() => []);
    const events: Record<Mode, number> = perMode(() => 0);
    for (let b = 0; b < WARMUP_BLOCKS + MEASURED_BLOCKS; b++) {
      for (const mode of b % 2 === 0 ? MODES : [...MODES].reverse()) {
        say(`keyed-latency: ${b < WARMUP_BLOCKS ? 'warm-up' : `block ${b}/${MEASURED_BLOCKS}`}, ${mode}, ${RATE}/s for ${BLOCK_MS / 1000} s`);
        const fed = await feed(producer, names(mode).raw, BLOCK_MS, state);
        if (b >= WARMUP_BLOCKS) {
          measured[mode].push(fed);
          events[mode] += fed.events;
        }
      }
    }
    // Each mode's last alerts: their count is known (events / threshold per user, rounded down).
    await sleep(10_000);
    const after = loadavg();
    const result = summarize(seen, measured, events, keyedAt);
    const child = (mode: Mode): Child | undefined => children.find((c) => c.mode === mode);
    const profile: Record<Mode, Profile | undefined> = perMode(() => undefined);
    for (const m of MODES) profile[m] = await profileOf(child(m), names(m).raw, `${names(m).group}.keyed`);
    return { ...result, profile, load_average: { before: before.map((x) => round1(x)), after: after.map((x) => round1(x)) } };
  } finally {
    await reader.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    for (const c of children) c.proc.kill('SIGTERM');
    await Promise.race([Promise.all(children.map((c) => c.exited)), sleep(30_000)]);
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    for (const m of MODES) {
      const n = names(m);
      for (const topic of [n.raw, n.dlq, n.alerts, n.alertsDlq, n.state, `${n.group}.keyed`, `${n.group}.keyed.state`]) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      for (const index of [`logs-okta.system-${n.namespace}*`, `.ds-logs-okta.system-${n.namespace}*`, `sift-alerts-${n.namespace}`]) {
        await fetch(`${ES_URL}/${index}?ignore_unavailable=true&allow_no_indices=true`, { method: 'DELETE' }).catch(() => undefined);
      }
    }
    await admin.disconnect().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function profileOf(child: Child | undefined, rawTopic: string, keyedTopic: string): Promise<Profile | undefined> {
  const port = child?.port();
  if (port === undefined) return undefined;
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const requests = metric(text, 'sift_index_bulk_duration_seconds_count');
    const raw = metric(text, 'sift_ingest_offsets_committed_total', `topic="${rawTopic}"`);
    return {
      bulk_requests: requests,
      bulk_mean_ms: round1((metric(text, 'sift_index_bulk_duration_seconds_sum') * 1000) / Math.max(1, requests)),
      batches: { raw, keyed: metric(text, 'sift_ingest_offsets_committed_total', `topic="${keyedTopic}"`) },
      events_per_raw_batch: round1(metric(text, 'sift_ingest_events_consumed_total') / Math.max(1, raw)),
    };
  } catch {
    return undefined;
  }
}

function mkdirRules(dir: string): void {
  const rules = join(dir, 'rules');
  mkdirSync(rules, { recursive: true });
  writeFileSync(join(rules, 'bench.latency.threshold.yml'), RULE);
}

function summarize(seen: readonly Seen[], measured: Record<Mode, { from: number; to: number }[]>, events: Record<Mode, number>, keyedAt: ReadonlyMap<string, number>): Omit<LatencyResult, 'load_average' | 'profile'> {
  const inBlock = (s: Seen): boolean => measured[s.mode].some((b) => s.produced >= b.from && s.produced < b.to);
  const of = (mode: Mode): Seen[] => seen.filter((s) => s.mode === mode && inBlock(s));
  const latency = perMode((m) => percentiles(of(m).map((s) => s.read - s.produced)));
  const parts = (mode: Mode, q: 'p50' | 'p99'): Breakdown => {
    const xs = of(mode);
    const out: Breakdown = {
      to_created: percentiles(xs.map((s) => s.created - s.produced))[q],
      index_write: percentiles(xs.map((s) => s.recordTs - s.created))[q],
      to_reader: percentiles(xs.map((s) => s.read - s.recordTs))[q],
    };
    if (mode !== 'keyed') return out;
    const split = xs.flatMap((s) => {
      const at = keyedAt.get(s.last);
      return at === undefined ? [] : [{ s, at }];
    });
    return { ...out, to_keyed_write: percentiles(split.map(({ s, at }) => at - s.produced))[q], keyed_to_created: percentiles(split.map(({ s, at }) => s.created - at))[q] };
  };
  return {
    name: `keyed-latency (one threshold rule, ${USERS} users, ${RATE} events/s, ${MEASURED_BLOCKS} × ${BLOCK_MS / 1000} s blocks per mode, interleaved)`,
    rate_per_s: RATE,
    measured_s_per_mode: (MEASURED_BLOCKS * BLOCK_MS) / 1000,
    events_per_mode: events,
    latency_ms: latency,
    breakdown_p50_ms: perMode((m) => parts(m, 'p50')),
    breakdown_p99_ms: perMode((m) => parts(m, 'p99')),
    ratio_p50: round1(latency.keyed.p50 / latency.local.p50, 100),
    ratio_p99: round1(latency.keyed.p99 / latency.local.p99, 100),
    reorder_ratio_p50: round1(latency.keyed.p50 / latency.arrival.p50, 100),
    reorder_ratio_p99: round1(latency.keyed.p99 / latency.arrival.p99, 100),
  };
}

/** The fields of an alerts-topic record this benchmark reads (src/alerts/sinks/kafka.ts writes them). */
function parseAlert(value: Buffer | null): { update: boolean; created: number; lastEvent: number; lastId: string } | undefined {
  if (value === null) return undefined;
  try {
    const r = JSON.parse(value.toString('utf8')) as { update?: unknown; doc?: { event?: { created?: unknown }; sift?: { alert?: { last_event?: unknown; event_ids?: unknown } } } };
    const created = r.doc?.event?.created;
    const last = r.doc?.sift?.alert?.last_event;
    const ids = r.doc?.sift?.alert?.event_ids;
    const lastId = Array.isArray(ids) ? (ids[ids.length - 1] as unknown) : undefined;
    if (typeof created !== 'string' || typeof last !== 'string' || typeof lastId !== 'string') return undefined;
    return { update: r.update === true, created: Date.parse(created), lastEvent: Date.parse(last), lastId };
  } catch {
    return undefined;
  }
}

/** The event _id of a keyed-topic record (src/rules/runtime/keyed-record.ts: "id"). */
function keyedId(value: Buffer | null): string | undefined {
  if (value === null) return undefined;
  try {
    const id = (JSON.parse(value.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

const round1 = (x: number, scale = 10): number => Math.round(x * scale) / scale;
