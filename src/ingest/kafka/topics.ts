import type { Admin, Kafka } from 'kafkajs';

/** One partition of a topic as a consumer group sees it. */
export interface GroupPosition {
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
  /** The group's committed offset; undefined when it has none. */
  readonly committed: bigint | undefined;
}

/** Each partition of `topic`: its offsets and `group`'s committed offset. */
export async function groupPositions(admin: Admin, group: string, topic: string): Promise<GroupPosition[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const committed = new Map((offsets?.partitions ?? []).filter((p) => p.offset !== '-1').map((p) => [p.partition, BigInt(p.offset)]));
  return ends.map((e) => ({ partition: e.partition, low: BigInt(e.low), high: BigInt(e.high), committed: committed.get(e.partition) }));
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic-level config overrides, e.g. max.message.bytes. */
  config?: Record<string, string>;
}

/** Creates the topics that do not exist yet; existing ones are left alone. */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: -1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return missing.map((t) => t.name);
  } finally {
    await admin.disconnect();
  }
}

/** Partition count of each named topic that exists (absent ones are missing from the map). */
export async function topicPartitions(kafka: Kafka, names: readonly string[]): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((n) => existing.has(n));
    if (present.length === 0) return new Map();
    const meta = await admin.fetchTopicMetadata({ topics: present });
    return new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
  } finally {
    await admin.disconnect();
  }
}
