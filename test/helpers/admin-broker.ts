import {
  singleNodeReplicaAdmin,
  singleNodeView,
} from '../../core/broker/metadata/local-metadata-store.js';
import { parseBrokerConfig } from '../../core/broker/broker-config.js';
import type { BrokerContext, Handler, TopicMetadata } from '../../core/broker/broker-context.js';
import { NO_RESPONSE } from '../../core/broker/broker-context.js';
import { ensureClusterId } from '../../core/broker/cluster-id.js';
import { alterConfigsHandler } from '../../core/broker/handlers/alter-configs.js';
import { createPartitionsHandler } from '../../core/broker/handlers/create-partitions.js';
import { createTopicsHandler } from '../../core/broker/handlers/create-topics.js';
import { deleteTopicsHandler } from '../../core/broker/handlers/delete-topics.js';
import { describeClusterHandler } from '../../core/broker/handlers/describe-cluster.js';
import { describeConfigsHandler } from '../../core/broker/handlers/describe-configs.js';
import { incrementalAlterConfigsHandler } from '../../core/broker/handlers/incremental-alter-configs.js';
import { metadataHandler } from '../../core/broker/handlers/metadata.js';
import { LocalPartitionRegistry } from '../../core/broker/partition-registry.js';
import { brokerGroupCoordinator } from '../../core/broker/group/offsets-topic.js';
import { systemTimers } from '../../core/broker/timers.js';
import { FileTopicStore } from '../../core/broker/topic-store.js';
import { parseLogConfig } from '../../core/log/log-config.js';
import { ByteReader } from '../../core/protocol/byte-reader.js';
import { ByteWriter } from '../../core/protocol/byte-writer.js';
import { decodeMessage, encodeMessage } from '../../core/protocol/codec.js';
import { ApiKey, apis } from '../../core/protocol/messages/index.js';
import type { RequestOf, ResponseOf } from '../../core/protocol/messages/index.js';
import type { MessageSchema } from '../../core/protocol/schema.js';
import { ManualClock } from '../../core/util/clock.js';
import { silentLogger } from '../../core/util/logger.js';

/** The admin-plane handlers, by API. */
export const ADMIN_HANDLERS = {
  [ApiKey.METADATA]: metadataHandler,
  [ApiKey.CREATE_TOPICS]: createTopicsHandler,
  [ApiKey.DELETE_TOPICS]: deleteTopicsHandler,
  [ApiKey.CREATE_PARTITIONS]: createPartitionsHandler,
  [ApiKey.DESCRIBE_CONFIGS]: describeConfigsHandler,
  [ApiKey.ALTER_CONFIGS]: alterConfigsHandler,
  [ApiKey.INCREMENTAL_ALTER_CONFIGS]: incrementalAlterConfigsHandler,
  [ApiKey.DESCRIBE_CLUSTER]: describeClusterHandler,
} as const;

/** An API the admin plane serves. */
export type AdminApiKey = keyof typeof ADMIN_HANDLERS;

/**
 * A real BrokerContext over a data folder: FileTopicStore, the persisted cluster id and the real
 * LocalPartitionRegistry (background timers not started).
 */
export interface AdminBroker {
  readonly broker: BrokerContext;
  readonly registry: LocalPartitionRegistry;
  readonly store: FileTopicStore;
  /** Closes every partition log cleanly. */
  close(): Promise<void>;
}

/** Builds a broker context over `dataDir` with these broker properties. */
export function openAdminBroker(
  dataDir: string,
  props: Readonly<Record<string, string>> = {},
): AdminBroker {
  const config = parseBrokerConfig({
    listeners: 'PLAINTEXT://127.0.0.1:9092',
    'log.dirs': dataDir,
    ...props,
  });
  const clock = new ManualClock(1_700_000_000_000);
  const store = new FileTopicStore(dataDir);
  const registry = new LocalPartitionRegistry({ config, clock, logger: silentLogger });
  const groups = brokerGroupCoordinator(() => broker, {
    config,
    clock,
    timers: systemTimers,
    logger: silentLogger,
  });
  const cluster = singleNodeView(
    () => ({ nodeId: config.nodeId, host: '127.0.0.1', port: 9092, rack: null }),
    store,
  );
  const broker: BrokerContext = {
    config,
    groups,
    clusterId: ensureClusterId(dataDir),
    producerIds: {
      next: () => {
        throw new Error('the admin plane allocates no producer ids');
      },
    },
    topics: store,
    cluster,
    replicaAdmin: singleNodeReplicaAdmin(cluster, store),
    partitions: registry,
    clock,
    logger: silentLogger,
    topicLogConfig: (topic: TopicMetadata) => parseLogConfig(topic.configs, config.logDefaults),
  };
  return { broker, registry, store, close: () => registry.close() };
}

function roundTrip<T>(schema: MessageSchema<T>, version: number, value: T): T {
  const writer = new ByteWriter();
  encodeMessage(schema, version, value, writer);
  const bytes = writer.finish();
  const reader = new ByteReader(bytes);
  const decoded = decodeMessage(schema, version, reader);
  if (reader.remaining !== 0) throw new Error(`${schema.name} v${version}: trailing bytes`);
  return decoded;
}

/**
 * Sends `request` to the handler of `apiKey` as the wire would: the request is encoded and
 * decoded at `version` (so the handler sees exactly the fields that version carries), and the
 * response is encoded and decoded at `version` too (so a response the version cannot carry
 * fails the test).
 */
export async function call<K extends AdminApiKey>(
  broker: BrokerContext,
  apiKey: K,
  version: number,
  request: RequestOf<K>,
): Promise<ResponseOf<K>> {
  const entry = apis[apiKey];
  const decodedRequest = roundTrip(entry.request as MessageSchema<RequestOf<K>>, version, request);
  const handler = ADMIN_HANDLERS[apiKey] as Handler<K>;
  const response = await handler(broker, decodedRequest, {
    header: { apiKey, apiVersion: version, correlationId: 1, clientId: 'admin-test' },
    clientHost: '127.0.0.1',
    connectionId: 1,
  });
  if (response === NO_RESPONSE) throw new Error(`${entry.name} answered nothing`);
  return roundTrip(entry.response as MessageSchema<ResponseOf<K>>, version, response);
}
