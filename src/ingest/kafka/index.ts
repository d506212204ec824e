export { createKafka, isSettlingCondition } from './client.js';
export { retryWhileSettling, waitForKafka } from './wait.js';
export { ensureTopics, groupPositions, topicPartitions, type GroupPosition, type TopicSpec } from './topics.js';
export { BROKER_DEFAULT_MESSAGE_BYTES, createMessageLimits, sendChunked, type MessageLimits } from './send.js';
export { createKafkaSource, type KafkaSource, type SourceOptions, type RawBatch, type RawRecord, type BatchHandler, type BatchDone } from './source.js';
export { createStateCheckpoint, type StateCheckpoint, type StateEntry as StoredStateEntry } from './state-store.js';
