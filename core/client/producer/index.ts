/** The producer's public surface, re-exported by core/index.ts. */
export { Producer, createProducer } from './producer.js';
export type { ProducerOptions, ProducerConfig, Acks, CompressionCodec } from './options.js';
export type {
  ProducerRecord,
  ProducerBytes,
  ProducerHeaders,
  RecordMetadata,
} from './producer-record.js';
export { ProduceError } from './produce-error.js';
export type { Scheduler } from './scheduler.js';
