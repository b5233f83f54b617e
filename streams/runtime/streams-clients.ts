/**
 * The clients of a streams app, with Kafka Streams' defaults under the user's `consumer.` and
 * `producer.` settings, and the settings the runtime owns on top.
 */
import {
  Consumer,
  Producer,
  type Assignor,
  type Logger,
  type RebalanceListeners,
} from '../../core/index.js';

import { advertisedClientId } from './key-metadata.js';
import type { ResolvedStreamsConfig } from './streams-config.js';

/** The consumer's client id, advertising `application.server` for `metadataForKey`. */
function advertise(clientId: string, c: ResolvedStreamsConfig): string {
  return c.applicationServer === undefined
    ? clientId
    : advertisedClientId(clientId, c.applicationServer);
}

/** Kafka Streams' `max.poll.records`. */
const STREAMS_MAX_POLL_RECORDS = 1000;

/**
 * The app's consumer: group `application.id`, the streams assignor, no auto commit (the app
 * commits after its output is acknowledged), `earliest` for partitions without a commit.
 */
export function createStreamsConsumer(
  c: ResolvedStreamsConfig,
  assignor: Assignor,
  listeners: RebalanceListeners,
  logger: Logger,
): Consumer {
  return new Consumer({
    autoOffsetReset: 'earliest',
    maxPollRecords: STREAMS_MAX_POLL_RECORDS,
    ...c.consumer,
    bootstrap: c.bootstrap,
    clientId: advertise(c.consumer.clientId ?? `${c.clientId}-consumer`, c),
    groupId: c.applicationId,
    enableAutoCommit: false,
    assignors: [assignor],
    listeners,
    logger,
  });
}

/** The app's producer (core's defaults: acks=all, idempotent). */
export function createStreamsProducer(c: ResolvedStreamsConfig, logger: Logger): Producer {
  return new Producer({
    ...c.producer,
    bootstrap: c.bootstrap,
    clientId: c.producer.clientId ?? `${c.clientId}-producer`,
    logger,
  });
}
