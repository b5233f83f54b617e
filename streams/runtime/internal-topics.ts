/**
 * Before an app joins its group: its source topics must exist, the inputs of each sub-topology
 * must have equal partition counts (Kafka's co-partitioning rule: partition p of every input
 * feeds task p), and its internal topics are created, or checked when they exist.
 *
 * A repartition topic without a fixed count gets the count of the user topics it is
 * co-partitioned with (read by the same sub-topology), else the largest count among the inputs of
 * the sub-topologies that write it (`partitionsFrom`), resolved to a fixed point since those inputs
 * may be repartition topics themselves, as Kafka Streams' RepartitionTopics does.
 */
import { ConfigError, FjordError, ErrorCode, type Admin, type Logger } from '../../core/index.js';

import {
  resolveTopic,
  type InternalTopicSpec,
  type RunnableTopology,
} from './runnable-topology.js';

/** Kafka Streams' configs of repartition topics; the topology's own configs win. */
export const REPARTITION_TOPIC_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'segment.bytes': '52428800',
  'retention.ms': '-1',
  'message.timestamp.type': 'CreateTime',
};

/** Kafka Streams' configs of changelog topics. */
export const CHANGELOG_TOPIC_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'message.timestamp.type': 'CreateTime',
};

/** What the preparation needs of an admin client. */
export interface TopicAdmin {
  /** Partition counts of the topics that exist (missing ones are absent). */
  partitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  createTopic(
    name: string,
    partitions: number,
    replicationFactor: number,
    configs: Readonly<Record<string, string>>,
  ): Promise<void>;
}

/** A {@link TopicAdmin} over core's Admin. */
export function topicAdminOf(admin: Admin): TopicAdmin {
  return {
    async partitionCounts(topics) {
      const response = await admin.metadata(topics);
      const counts = new Map<string, number>();
      for (const t of response.topics)
        if (t.errorCode === 0) counts.set(t.name, t.partitions.length);
      return counts;
    },
    createTopic: (name, partitions, replicationFactor, configs) =>
      admin.createTopic(name, partitions, replicationFactor, configs),
  };
}

/** Where a topology's records come from, in full topic names. */
export interface TopicLayout {
  /** The source topics of each sub-topology. */
  readonly sourceTopics: ReadonlyMap<number, readonly string[]>;
  /** The sub-topology reading each source topic. */
  readonly subtopologyOf: ReadonlyMap<string, number>;
  /** The repartition topics. */
  readonly repartitionTopics: ReadonlySet<string>;
}

/** The full topic names `topology` reads as `applicationId`. */
export function topicLayout(topology: RunnableTopology, applicationId: string): TopicLayout {
  const sourceTopics = new Map(
    topology.subtopologies.map((s) => [
      s.id,
      s.sourceTopics.map((ref) => resolveTopic(ref, applicationId)),
    ]),
  );
  return {
    sourceTopics,
    subtopologyOf: new Map(
      [...sourceTopics].flatMap(([id, topics]) => topics.map((t) => [t, id] as const)),
    ),
    repartitionTopics: new Set(
      topology.internalTopics
        .filter((t) => t.kind === 'repartition')
        .map((t) => internalName(t, applicationId)),
    ),
  };
}

/** The topics an app reads, with their partition counts. */
export interface PreparedTopics {
  /** Every source topic (full name) and its partition count. */
  readonly partitions: ReadonlyMap<string, number>;
  /** Source topics of each sub-topology (full names). */
  readonly sourceTopics: ReadonlyMap<number, readonly string[]>;
  /** Internal topics created by this call. */
  readonly created: readonly string[];
}

function internalName(spec: InternalTopicSpec, applicationId: string): string {
  return resolveTopic({ name: spec.name, internal: true }, applicationId);
}

function describeCounts(topics: readonly string[], counts: ReadonlyMap<string, number>): string {
  return topics.map((t) => `${t} (${counts.get(t) ?? '?'})`).join(', ');
}

/** The partition count an internal topic needs, or undefined while its inputs are unsized. */
function sizeOf(
  spec: InternalTopicSpec,
  full: string,
  sources: ReadonlyMap<number, readonly string[]>,
  counts: ReadonlyMap<string, number>,
  internal: ReadonlySet<string>,
): number | undefined {
  if (spec.partitions !== undefined) return spec.partitions;
  for (const topics of sources.values()) {
    if (!topics.includes(full)) continue;
    const external = topics.filter((t) => !internal.has(t));
    if (external.length > 0) return counts.get(external[0] ?? '');
  }
  let most = 0;
  for (const s of spec.partitionsFrom) {
    for (const t of sources.get(s) ?? []) {
      const n = counts.get(t);
      if (n === undefined) return undefined;
      most = Math.max(most, n);
    }
  }
  return most > 0 ? most : undefined;
}

function sizeInternal(
  topology: RunnableTopology,
  applicationId: string,
  sources: ReadonlyMap<number, readonly string[]>,
  counts: Map<string, number>,
): Map<string, number> {
  const internal = new Set(topology.internalTopics.map((s) => internalName(s, applicationId)));
  const wanted = new Map<string, number>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const spec of topology.internalTopics) {
      const full = internalName(spec, applicationId);
      if (wanted.has(full)) continue;
      const n = sizeOf(spec, full, sources, counts, internal);
      if (n === undefined) continue;
      wanted.set(full, n);
      if (!counts.has(full)) counts.set(full, n);
      progress = true;
    }
  }
  const unsized = topology.internalTopics
    .map((s) => internalName(s, applicationId))
    .filter((t) => !wanted.has(t));
  if (unsized.length > 0)
    throw new ConfigError(
      `cannot size internal topics ${unsized.join(', ')}: their inputs have no partition count`,
    );
  return wanted;
}

function checkCopartitioned(
  sources: ReadonlyMap<number, readonly string[]>,
  counts: ReadonlyMap<string, number>,
): void {
  for (const [id, topics] of sources) {
    const distinct = new Set(topics.map((t) => counts.get(t)));
    if (distinct.size > 1)
      throw new ConfigError(
        `sub-topology ${id} reads co-partitioned topics with different partition counts: ` +
          `${describeCounts(topics, counts)}; Kafka requires equal counts so that partition p of ` +
          'each input meets in task p (repartition one input or recreate the topics)',
      );
  }
}

/**
 * Checks and creates what `topology` needs before the app joins its group. Throws
 * {@link FjordError} UNKNOWN_TOPIC_OR_PARTITION naming missing source topics, and
 * {@link ConfigError} for unequal co-partitioned inputs or an internal topic with the wrong count.
 */
export async function prepareTopics(
  admin: TopicAdmin,
  topology: RunnableTopology,
  applicationId: string,
  replicationFactor: number,
  logger: Logger,
): Promise<PreparedTopics> {
  const sources = topicLayout(topology, applicationId).sourceTopics;
  const internalSpecs = new Map(
    topology.internalTopics.map((s) => [internalName(s, applicationId), s]),
  );
  const all = [...new Set([...[...sources.values()].flat(), ...internalSpecs.keys()])];
  const existing = await admin.partitionCounts(all);
  const missing = all.filter((t) => !existing.has(t) && !internalSpecs.has(t));
  if (missing.length > 0)
    throw new FjordError(
      `source topics missing: ${missing.join(', ')} (create them before starting the app)`,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  const counts = new Map(existing);
  const wanted = sizeInternal(topology, applicationId, sources, counts);
  const created: string[] = [];
  for (const [name, partitions] of wanted) {
    let have = existing.get(name);
    if (have === undefined) {
      const spec = internalSpecs.get(name);
      const defaults =
        spec?.kind === 'changelog' ? CHANGELOG_TOPIC_DEFAULTS : REPARTITION_TOPIC_DEFAULTS;
      try {
        await admin.createTopic(name, partitions, replicationFactor, {
          ...defaults,
          ...spec?.configs,
        });
        created.push(name);
        logger.info({ topic: name, partitions }, 'created internal topic');
      } catch (err) {
        // Another instance of the app created it first.
        if (!(err instanceof FjordError) || err.code !== ErrorCode.TOPIC_ALREADY_EXISTS) throw err;
        have = (await admin.partitionCounts([name])).get(name);
      }
    }
    if (have !== undefined && have !== partitions)
      throw new ConfigError(
        `internal topic ${name} has ${have} partitions, the topology needs ${partitions}; ` +
          'reset the application (delete its internal topics) after changing partition counts',
      );
  }
  checkCopartitioned(sources, counts);
  return { partitions: counts, sourceTopics: sources, created };
}
