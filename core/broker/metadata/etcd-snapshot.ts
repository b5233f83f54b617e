/**
 * The layout of fjord's metadata in etcd, under a prefix (`/fjord` by default, the path of the
 * `etcd://host:port/prefix` URL, so several clusters can share one etcd):
 *
 * ```
 * <prefix>/cluster-id                          the cluster id, written once
 * <prefix>/brokers/<nodeId>                    {host, port, rack}, under the broker's lease
 * <prefix>/election/controller/<leaseId>       etcd's election; the oldest key is the controller
 * <prefix>/topics/<name>                       {topicId, partitionCount, configs}
 * <prefix>/partitions/<name>/<index>           PartitionState
 * ```
 *
 * and the parsing of one range read of it into an immutable {@link MetadataSnapshot}. Records
 * that do not parse are skipped and reported, never trusted.
 */
import type { TopicMetadata } from '../broker-context.js';
import type { BrokerRegistration, PartitionState } from './cluster-view.js';

/** Keys under a prefix. */
export class EtcdKeys {
  constructor(readonly prefix: string) {}
  get clusterId(): string {
    return `${this.prefix}/cluster-id`;
  }
  get electionNamespace(): string {
    return `${this.prefix}/`;
  }
  get electionPrefix(): string {
    return `${this.prefix}/election/controller/`;
  }
  broker(nodeId: number): string {
    return `${this.prefix}/brokers/${nodeId}`;
  }
  topic(name: string): string {
    return `${this.prefix}/topics/${name}`;
  }
  partitionsOf(topic: string): string {
    return `${this.prefix}/partitions/${topic}/`;
  }
  partition(topic: string, index: number): string {
    return `${this.prefix}/partitions/${topic}/${index}`;
  }
}

/** A stored value and the revision it was last changed at: what a compare-and-swap checks. */
export interface Versioned<T> {
  readonly value: T;
  readonly modRevision: string;
}

/** Everything under the prefix at one etcd revision. */
export interface MetadataSnapshot {
  readonly revision: bigint;
  readonly clusterId: string | undefined;
  readonly brokers: ReadonlyMap<number, BrokerRegistration>;
  readonly controllerId: number;
  readonly topics: ReadonlyMap<string, Versioned<TopicMetadata>>;
  /** By `<topic>/<index>`. */
  readonly partitions: ReadonlyMap<string, Versioned<PartitionState>>;
}

export const EMPTY_SNAPSHOT: MetadataSnapshot = {
  revision: -1n,
  clusterId: undefined,
  brokers: new Map(),
  controllerId: -1,
  topics: new Map(),
  partitions: new Map(),
};

/** One key-value of a range read. */
export interface RawKv {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly create_revision: string;
  readonly mod_revision: string;
}

const isIdList = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => Number.isSafeInteger(x));

function parsePartitionState(v: unknown): PartitionState | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as Record<string, unknown>;
  const ints = [s.leader, s.leaderEpoch, s.partitionEpoch];
  if (!ints.every((x) => Number.isSafeInteger(x))) return undefined;
  if (!isIdList(s.isr) || !isIdList(s.replicas)) return undefined;
  const moving = [s.addingReplicas, s.removingReplicas];
  if (!moving.every((x) => x === undefined || isIdList(x))) return undefined;
  return Object.freeze({
    leader: s.leader as number,
    leaderEpoch: s.leaderEpoch as number,
    isr: Object.freeze([...s.isr]),
    replicas: Object.freeze([...s.replicas]),
    partitionEpoch: s.partitionEpoch as number,
    ...reassignmentOf(
      s.addingReplicas as number[] | undefined,
      s.removingReplicas as number[] | undefined,
    ),
  });
}

/** The reassignment fields of a state, present only while a reassignment runs. */
function reassignmentOf(
  adding: readonly number[] | undefined,
  removing: readonly number[] | undefined,
): Pick<PartitionState, 'addingReplicas' | 'removingReplicas'> {
  if ((adding?.length ?? 0) === 0 && (removing?.length ?? 0) === 0) return {};
  return {
    addingReplicas: Object.freeze([...(adding ?? [])]),
    removingReplicas: Object.freeze([...(removing ?? [])]),
  };
}

function parseTopic(name: string, v: unknown): TopicMetadata | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const t = v as Record<string, unknown>;
  const configs = t.configs;
  if (typeof t.topicId !== 'string' || !Number.isSafeInteger(t.partitionCount)) return undefined;
  if (typeof configs !== 'object' || configs === null) return undefined;
  if (Object.values(configs).some((x) => typeof x !== 'string')) return undefined;
  return Object.freeze({
    name,
    topicId: t.topicId,
    partitionCount: t.partitionCount as number,
    configs: Object.freeze({ ...(configs as Record<string, string>) }),
  });
}

function parseBroker(nodeId: number, v: unknown): BrokerRegistration | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const b = v as Record<string, unknown>;
  if (typeof b.host !== 'string' || !Number.isSafeInteger(b.port)) return undefined;
  const rack = typeof b.rack === 'string' ? b.rack : null;
  return Object.freeze({ nodeId, host: b.host, port: b.port as number, rack });
}

function json(buffer: Buffer): unknown {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Builds a snapshot from a range read of `<prefix>/`; `onBad` hears of unparsable keys. */
export function parseSnapshot(
  keys: EtcdKeys,
  revision: bigint,
  kvs: readonly RawKv[],
  onBad: (key: string) => void,
): MetadataSnapshot {
  const brokers = new Map<number, BrokerRegistration>();
  const topics = new Map<string, Versioned<TopicMetadata>>();
  const partitions = new Map<string, Versioned<PartitionState>>();
  let clusterId: string | undefined;
  let controller: { id: number; created: bigint } | undefined;
  const root = `${keys.prefix}/`;
  for (const kv of kvs) {
    const key = kv.key.toString('utf8');
    if (!key.startsWith(root)) continue;
    const rest = key.slice(root.length);
    const modRevision = kv.mod_revision;
    if (key === keys.clusterId) {
      clusterId = kv.value.toString('utf8');
    } else if (key.startsWith(keys.electionPrefix)) {
      const id = Number(kv.value.toString('utf8'));
      const created = BigInt(kv.create_revision);
      if (Number.isSafeInteger(id) && (controller === undefined || created < controller.created))
        controller = { id, created };
    } else if (rest.startsWith('brokers/')) {
      const nodeId = Number(rest.slice('brokers/'.length));
      const broker = Number.isSafeInteger(nodeId) ? parseBroker(nodeId, json(kv.value)) : undefined;
      if (broker === undefined) onBad(key);
      else brokers.set(nodeId, broker);
    } else if (rest.startsWith('topics/')) {
      const name = rest.slice('topics/'.length);
      const topic = parseTopic(name, json(kv.value));
      if (topic === undefined) onBad(key);
      else topics.set(name, { value: topic, modRevision });
    } else if (rest.startsWith('partitions/')) {
      const state = parsePartitionState(json(kv.value));
      if (state === undefined) onBad(key);
      else partitions.set(rest.slice('partitions/'.length), { value: state, modRevision });
    }
  }
  return { revision, clusterId, brokers, controllerId: controller?.id ?? -1, topics, partitions };
}
