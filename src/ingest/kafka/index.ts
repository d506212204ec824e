export { createKafka } from './client.js';
export { ensureTopics, topicPartitions, type TopicSpec } from './topics.js';
export { createKafkaSource, type KafkaSource, type SourceOptions, type RawBatch, type RawRecord, type BatchHandler } from './source.js';
export { createStateCheckpoint, type StateCheckpoint, type StateEntry as StoredStateEntry } from './state-store.js';
