/**
 * What a runner needs to know about a built topology. `Topology` (built by `StreamsBuilder`)
 * implements it; StreamsApp and the TestDriver use nothing else.
 */
import type { Task, TaskEnvironment, TaskId } from './task.js';

/**
 * A topic a topology reads or writes. Internal topics (repartition, later changelog) are named
 * `<application.id>-<name>` at run time.
 */
export interface TopicRef {
  readonly name: string;
  readonly internal: boolean;
}

/** The full name of a topic for an application. */
export function resolveTopic(ref: TopicRef, applicationId: string): string {
  return ref.internal ? `${applicationId}-${ref.name}` : ref.name;
}

/** An internal topic the app creates before it starts. */
export interface InternalTopicSpec {
  /** Without the application id prefix, e.g. `KSTREAM-REPARTITION-0000000004-repartition`. */
  readonly name: string;
  readonly kind: 'repartition' | 'changelog';
  /** Fixed partition count; absent = the largest partition count of `partitionsFrom`'s inputs. */
  readonly partitions?: number;
  /** Sub-topologies whose input topics size this topic when `partitions` is absent. */
  readonly partitionsFrom: readonly number[];
  /** Topic configs (Kafka names), e.g. `cleanup.policy`. */
  readonly configs: Readonly<Record<string, string>>;
}

/** A connected part of the topology: its input topics share tasks (co-partitioned). */
export interface SubtopologySpec {
  readonly id: number;
  readonly sourceTopics: readonly TopicRef[];
  /** The state stores its tasks hold. */
  readonly stores?: readonly string[];
}

/** A topology a runner can run. */
export interface RunnableTopology {
  readonly subtopologies: readonly SubtopologySpec[];
  readonly internalTopics: readonly InternalTopicSpec[];
  /** Warnings the runner logs when it starts (unnamed stateful operators...). */
  readonly warnings?: readonly string[];
  /** Instantiates one task; sources, processors and sinks are fresh per task. */
  createTask(id: TaskId, env: TaskEnvironment): Task;
}
