/**
 * A real single-broker data plane for handler tests: a BrokerContext built from a
 * LocalPartitionRegistry over a temp folder, the file producer-id allocator, an in-memory topic
 * store, a manual clock and manual timers. Requests and responses go through the wire codec, so
 * handlers see exactly what the router would give them and every answer is proven encodable.
 */
import {
  singleNodeReplicaAdmin,
  singleNodeView,
} from '../../core/broker/metadata/local-metadata-store.js';
import { parseBrokerConfig } from '../../core/broker/broker-config.js';
import type { BrokerConfig } from '../../core/broker/broker-config.js';
import { NO_RESPONSE } from '../../core/broker/broker-context.js';
import type { BrokerContext, Handler, NoResponse } from '../../core/broker/broker-context.js';
import { brokerGroupCoordinator } from '../../core/broker/group/offsets-topic.js';
import { fetchHandler } from '../../core/broker/handlers/fetch.js';
import { produceHandler } from '../../core/broker/handlers/produce.js';
import { LocalPartitionRegistry } from '../../core/broker/partition-registry.js';
import { FileProducerIdAllocator } from '../../core/broker/producer-id-allocator.js';
import type { Timers } from '../../core/broker/timers.js';
import { parseLogConfig } from '../../core/log/log-config.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from '../../core/protocol/frame.js';
import { ApiKey } from '../../core/protocol/messages/index.js';
import type {
  PartitionData,
  PartitionProduceResponse,
  RequestOf,
  ResponseOf,
} from '../../core/protocol/messages/index.js';
import { encodeRecordBatch } from '../../core/protocol/records/record-batch.js';
import type { EncodeBatchOptions } from '../../core/protocol/records/record-batch.js';
import { ManualClock } from '../../core/util/clock.js';
import { silentLogger } from '../../core/util/logger.js';
import { ManualTimers } from './manual-timers.js';
import { MemoryTopicStore } from './memory-topic-store.js';
import { makeTempDir } from './temp-dir.js';

/** The manual clock's start: 2023-11-14. */
export const T0 = 1_700_000_000_000;

/** Runs `handler` on `body` as the router would: encoded, decoded, answered, encoded, decoded. */
export async function callHandler<K extends ApiKey>(
  broker: BrokerContext,
  handler: Handler<K>,
  apiKey: K,
  apiVersion: number,
  body: RequestOf<K>,
): Promise<ResponseOf<K> | NoResponse> {
  const frame = encodeRequest({ apiKey, apiVersion, correlationId: 7, clientId: 'test' }, body);
  const decoded = decodeRequest(frame.subarray(4));
  const ctx = { header: decoded.header, clientHost: '127.0.0.1', connectionId: 1 };
  const response = await handler(broker, decoded.body as unknown as RequestOf<K>, ctx);
  if (response === NO_RESPONSE) return NO_RESPONSE;
  const encoded = encodeResponse(apiKey, apiVersion, 7, response);
  return decodeResponse(apiKey, apiVersion, encoded.subarray(4)).body;
}

/** The response, failing the test when the handler answered nothing. */
export function answered<T>(response: T | NoResponse): T {
  if (response === NO_RESPONSE) throw new Error('the handler returned NO_RESPONSE');
  return response;
}

/** A producer batch of `count` string records `<prefix>0..`, timestamps T0+i. */
export function batchOf(count: number, options: EncodeBatchOptions = {}, prefix = 'v'): Buffer {
  return encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`${prefix}${i}`),
      timestamp: T0 + i,
    })),
    { now: T0, ...options },
  );
}

/** Options of {@link DataPlane.fetch}. */
export interface FetchOptions {
  readonly version?: number;
  readonly maxWaitMs?: number;
  readonly minBytes?: number;
  readonly maxBytes?: number;
  readonly partitionMaxBytes?: number;
}

/** See the module comment. */
export class DataPlane {
  readonly clock = new ManualClock(T0);
  readonly timers = new ManualTimers();
  readonly topics = new MemoryTopicStore();
  readonly config: BrokerConfig;
  registry: LocalPartitionRegistry;
  broker: BrokerContext;
  private readonly cleanupDir: () => void;

  constructor(
    props: Readonly<Record<string, string>> = {},
    private readonly registryOptions: {
      readonly producerIdExpirationMs?: number;
      /** Default: {@link DataPlane.timers}, which fire only when told. */
      readonly timers?: Timers;
    } = {},
  ) {
    const { dir, cleanup } = makeTempDir('fjord-data-plane-');
    this.cleanupDir = cleanup;
    this.config = parseBrokerConfig({ 'log.dirs': dir, ...props });
    this.registry = this.newRegistry();
    this.broker = this.newContext();
  }

  get dir(): string {
    return this.config.logDir;
  }

  private newRegistry(): LocalPartitionRegistry {
    return new LocalPartitionRegistry({
      config: this.config,
      clock: this.clock,
      logger: silentLogger,
      timers: this.registryOptions.timers ?? this.timers,
      ...(this.registryOptions.producerIdExpirationMs === undefined
        ? {}
        : { producerIdExpirationMs: this.registryOptions.producerIdExpirationMs }),
    });
  }

  private newContext(): BrokerContext {
    const config = this.config;
    const groups = brokerGroupCoordinator(() => context, {
      config,
      clock: this.clock,
      timers: this.registryOptions.timers ?? this.timers,
      logger: silentLogger,
    });
    const cluster = singleNodeView(
      () => ({ nodeId: config.nodeId, host: '127.0.0.1', port: config.port, rack: null }),
      this.topics,
    );
    const context: BrokerContext = {
      config,
      groups,
      clusterId: 'test-cluster',
      producerIds: new FileProducerIdAllocator(config.logDir),
      topics: this.topics,
      cluster,
      replicaAdmin: singleNodeReplicaAdmin(cluster, this.topics),
      partitions: this.registry,
      clock: this.clock,
      logger: silentLogger,
      topicLogConfig: (topic) => parseLogConfig(topic.configs, config.logDefaults),
    };
    return context;
  }

  /** Creates a topic in the store and opens its partitions. */
  createTopic(name: string, partitions = 1, configs: Readonly<Record<string, string>> = {}): void {
    const topic = this.topics.create(name, partitions, configs);
    for (let p = 0; p < partitions; p++)
      this.registry.open(name, p, this.broker.topicLogConfig(topic));
  }

  /** A clean restart: the registry closes and a new one opens over the same folder. */
  async restart(): Promise<void> {
    await this.broker.groups.stop();
    await this.registry.close();
    this.registry = this.newRegistry();
    this.broker = this.newContext();
  }

  /**
   * A crash: a new registry opens the folder while the old one never closes (its files stay open
   * and nothing it would write on close is written).
   */
  crash(): void {
    this.registry = this.newRegistry();
    this.broker = this.newContext();
  }

  async close(): Promise<void> {
    await this.broker.groups.stop();
    await this.registry.close();
    this.cleanupDir();
  }

  call<K extends ApiKey>(
    handler: Handler<K>,
    apiKey: K,
    version: number,
    body: RequestOf<K>,
  ): Promise<ResponseOf<K> | NoResponse> {
    return callHandler(this.broker, handler, apiKey, version, body);
  }

  /** Produces one batch to one partition; the partition's answer. */
  async produce(
    topic: string,
    partition: number,
    records: Buffer | null,
    options: { acks?: number; version?: number } = {},
  ): Promise<PartitionProduceResponse> {
    const response = await this.call(produceHandler, ApiKey.PRODUCE, options.version ?? 7, {
      transactionalId: null,
      acks: options.acks ?? -1,
      timeoutMs: 30_000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
    });
    return answered(response).responses[0]!.partitionResponses[0]!;
  }

  /** Fetches one partition; by default without waiting. */
  async fetch(
    topic: string,
    partition: number,
    fetchOffset: number,
    options: FetchOptions = {},
  ): Promise<PartitionData> {
    const response = await this.call(fetchHandler, ApiKey.FETCH, options.version ?? 12, {
      replicaId: -1,
      maxWaitMs: options.maxWaitMs ?? 0,
      minBytes: options.minBytes ?? 0,
      maxBytes: options.maxBytes ?? 1 << 20,
      isolationLevel: 0,
      topics: [
        {
          topic,
          partitions: [
            { partition, fetchOffset, partitionMaxBytes: options.partitionMaxBytes ?? 1 << 20 },
          ],
        },
      ],
    });
    return answered(response).responses[0]!.partitions[0]!;
  }
}

/**
 * Waits until `condition` holds, yielding to the event loop between checks (no timers): for
 * states reached through file reads on the thread pool, such as a fetch parking.
 */
export async function eventually(condition: () => boolean, limitMs = 5000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition() && performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      setImmediate(resolve);
    });
  }
  if (!condition()) throw new Error(`condition not reached within ${limitMs} ms`);
}

/** The record bytes of a fetched partition as one Buffer. */
export function recordsOf(data: PartitionData): Buffer {
  const records = data.records;
  if (records === null) return Buffer.alloc(0);
  return Buffer.isBuffer(records) ? records : Buffer.concat(records);
}
