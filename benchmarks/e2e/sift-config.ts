import { BROKERS, ES_URL } from '../live.js';

/** The Kafka topics every `sift run` of one bench run shares (created up front by the bench). */
export interface SiftTopics {
  dlq: string;
  alerts: string;
  alertsDlq: string;
  state: string;
}

/**
 * The config of a benchmarked `sift run`: Sift's defaults (keyed mode, the
 * shipped rules, its bulk sizes and refresh) except what keeps runs apart
 * (topic, group, namespace, the shared topics) and /metrics on a free port.
 */
export function siftRunConfig(o: { topic: string; group: string; namespace: string; topics: SiftTopics }): Record<string, unknown> {
  return {
    kafka: { brokers: BROKERS, topics: [{ name: o.topic, source: 'okta' }], dlq_topic: o.topics.dlq, group_id: o.group, from_beginning: true },
    elasticsearch: { node: ES_URL, namespace: o.namespace },
    rules: { state_topic: o.topics.state },
    alerts: { topic: o.topics.alerts, dlq_topic: o.topics.alertsDlq },
    telemetry: { http_port: 0, http_host: '127.0.0.1' },
  };
}

/** The text of a Sift child's /metrics, or undefined when it does not answer. */
export async function scrape(port: string | undefined): Promise<string | undefined> {
  if (port === undefined) return undefined;
  try {
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } catch {
    return undefined;
  }
}

/** Keyed mode joins two groups (raw topic, keyed topic); Sift logs each join. */
export const joinedBoth = (output: string): boolean => (output.match(/Joined the consumer group/g) ?? []).length >= 2;
