/**
 * Which app instance holds a key of a store (Kafka Streams' `queryMetadataForKey`). Kafka
 * Streams puts each member's `application.server` in the assignor's subscription userData;
 * core's assignor interface carries no userData, so each instance advertises it in its
 * consumer's client id (`<client.id>-consumer@host:port`), which DescribeGroups reports with
 * each member's assignment. The key's partition is murmur2 of its serialized bytes over the
 * partition count of the store's input topics, as the producer placed it.
 */
import { partitionForKey, type Admin } from '../../core/index.js';

import { resolveTopic, type RunnableTopology } from './runnable-topology.js';

/** Marks the advertised `application.server` in a consumer client id. */
export const SERVER_MARK = '@';

/**
 * Where a key lives.
 *
 * @example
 * ```ts
 * const where = await app.metadataForKey('counts', 'a', Serdes.string());
 * if (where !== undefined) await fetch(`http://${where.host}:${where.port}/stores/counts/keys/a`);
 * ```
 */
export interface KeyMetadata {
  readonly host: string;
  readonly port: number;
  readonly partition: number;
  /** The task holding it, `<subtopology>_<partition>`. */
  readonly task: string;
}

/** The consumer client id advertising `server`. */
export function advertisedClientId(
  clientId: string,
  server: { host: string; port: number },
): string {
  return `${clientId}${SERVER_MARK}${server.host}:${server.port}`;
}

function serverOf(clientId: string): { host: string; port: number } | undefined {
  const at = clientId.lastIndexOf(SERVER_MARK);
  const colon = clientId.lastIndexOf(':');
  if (at < 0 || colon < at) return undefined;
  const port = Number(clientId.slice(colon + 1));
  return Number.isInteger(port) ? { host: clientId.slice(at + 1, colon), port } : undefined;
}

/**
 * Finds the member of group `applicationId` assigned partition `partitionForKey(key)` of
 * `sourceTopic` (an input of the store's sub-topology `subtopology`); undefined when no member
 * holds it now (a rebalance is under way) or it advertises no server.
 */
export async function findKeyOwner(
  admin: Admin,
  applicationId: string,
  subtopology: number,
  sourceTopic: string,
  keyBytes: Buffer,
): Promise<KeyMetadata | undefined> {
  const metadata = await admin.metadata([sourceTopic]);
  const count = metadata.topics.find((t) => t.name === sourceTopic)?.partitions.length ?? 0;
  if (count === 0) return undefined;
  const partition = partitionForKey(keyBytes, count);
  const group = await admin.groups.describe(applicationId);
  for (const member of group.members) {
    const owns = member.assignment.some(
      (a) => a.topic === sourceTopic && a.partitions.includes(partition),
    );
    const server = owns ? serverOf(member.clientId) : undefined;
    if (server !== undefined) return { ...server, partition, task: `${subtopology}_${partition}` };
  }
  return undefined;
}

/**
 * The owner of `key` in store `name` of `topology`: the key's partition of the store's
 * sub-topology's first source topic, and the member holding that task; undefined when no
 * sub-topology has the store or the key serializes to null.
 */
export async function storeKeyOwner<K>(
  admin: Admin,
  topology: RunnableTopology,
  applicationId: string,
  name: string,
  serialize: (key: K, ctx: { topic: string }) => Buffer | null,
  key: K,
): Promise<KeyMetadata | undefined> {
  const sub = topology.subtopologies.find((s) => s.stores?.includes(name));
  const source = sub?.sourceTopics[0];
  if (sub === undefined || source === undefined) return undefined;
  const topic = resolveTopic(source, applicationId);
  const bytes = serialize(key, { topic });
  if (bytes === null) return undefined;
  return findKeyOwner(admin, applicationId, sub.id, topic, bytes);
}
