/**
 * An app's live tasks: created when their partitions are assigned, fed the consumer's batches,
 * closed when their partitions go. It also keeps, per input partition, the offset after the
 * last processed record and the last committed one: what the next commit covers.
 */
import type {
  ConsumerBatch,
  Logger,
  TopicPartition,
  TopicPartitionOffset,
} from '../../core/index.js';

import { TaskDirectoryLockedError } from '../state/index.js';

import { encodePartitionTime } from './partition-time.js';
import type { RunnableTopology } from './runnable-topology.js';
import { taskName, type Task, type TaskEnvironment, type TaskId } from './task.js';

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** One input partition's progress. */
interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  readonly task: Task;
  /** The offset after the last processed record; -1 before the first. */
  processed: number;
  /** The last committed offset (or the first processed one): the base of the committed count. */
  committed: number;
}

/** How a registry shares tasks with restoration and standbys. */
export interface RegistryHooks {
  /**
   * Whether a released task must stay open for now (its stores are being restored); whoever
   * said so closes it later.
   */
  readonly keepOpen?: (task: Task) => boolean;
  /** A task this instance already has (a standby's, with warm stores), instead of a new one. */
  readonly adopt?: (id: TaskId) => Task | undefined;
}

/**
 * The tasks of one app instance.
 *
 * @example
 * ```ts
 * const registry = new TaskRegistry(topology, subtopologyOf, (id) => env(id), logger);
 * registry.assign([{ topic: 'orders', partition: 0 }]);
 * registry.process(batch);
 * const offsets = registry.uncommitted();
 * ```
 */
export class TaskRegistry {
  private readonly tasks = new Map<string, Task>();
  private readonly progress = new Map<string, PartitionProgress>();
  /**
   * Assigned partitions whose task could not be created yet (its state directory is locked by
   * another owner), by task name: {@link TaskRegistry.retryPending} tries again.
   */
  private readonly pending = new Map<string, { partitions: TopicPartition[] }>();

  constructor(
    private readonly topology: RunnableTopology,
    /** The sub-topology reading each source topic (full names). */
    private readonly subtopologyOf: ReadonlyMap<string, number>,
    private readonly envFor: (id: TaskId) => TaskEnvironment,
    private readonly logger: Logger,
    private readonly hooks: RegistryHooks = {},
  ) {}

  /** Names of the live tasks (`<subtopology>_<partition>`), sorted. */
  get taskNames(): string[] {
    return [...this.tasks.keys()].sort();
  }

  get size(): number {
    return this.tasks.size;
  }

  /**
   * Creates the tasks of newly assigned partitions; returns the tasks created. A task whose
   * state directory is locked waits in {@link TaskRegistry.pendingPartitions}.
   */
  assign(partitions: readonly TopicPartition[]): Task[] {
    const before = new Set(this.tasks.values());
    for (const tp of partitions) this.track(tp.topic, tp.partition);
    return [...this.tasks.values()].filter((t) => !before.has(t));
  }

  /** The partitions of tasks not created yet (their state directory is locked). */
  get pendingPartitions(): TopicPartition[] {
    return [...this.pending.values()].flatMap((p) => p.partitions);
  }

  /** Tries again to create the pending tasks (on the next loop); returns those created. */
  retryPending(): Task[] {
    const pending = [...this.pending.values()];
    this.pending.clear();
    return this.assign(pending.flatMap((p) => p.partitions));
  }

  /** The input partitions of `task`. */
  partitionsOf(task: Task): TopicPartition[] {
    return [...this.progress.values()]
      .filter((p) => p.task === task)
      .map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /** Whether `task` is live (not released since it was created). */
  has(task: Task): boolean {
    return this.tasks.get(taskName(task.id)) === task;
  }

  /** The live tasks. */
  get all(): Task[] {
    return [...this.tasks.values()];
  }

  private track(topic: string, partition: number): PartitionProgress | undefined {
    const k = key(topic, partition);
    const known = this.progress.get(k);
    if (known !== undefined) return known;
    const subtopology = this.subtopologyOf.get(topic);
    if (subtopology === undefined)
      throw new Error(`${topic} is not a source topic of the topology`);
    const id = { subtopology, partition };
    const name = taskName(id);
    let task = this.tasks.get(name);
    if (task === undefined) {
      const waiting = this.pending.get(name);
      if (waiting !== undefined) {
        waiting.partitions.push({ topic, partition });
        return undefined;
      }
      try {
        task = this.hooks.adopt?.(id) ?? this.topology.createTask(id, this.envFor(id));
      } catch (err) {
        if (!(err instanceof TaskDirectoryLockedError)) throw err;
        // Kafka's behaviour: the task waits for the lock, tried again on the next loop.
        this.logger.info({ task: name, err }, 'task directory locked: task creation retried');
        this.pending.set(name, { partitions: [{ topic, partition }] });
        return undefined;
      }
      this.tasks.set(name, task);
      this.logger.debug({ task: name }, 'task created');
    }
    const p: PartitionProgress = { topic, partition, task, processed: -1, committed: -1 };
    this.progress.set(k, p);
    return p;
  }

  /**
   * Pushes a batch through its task, synchronously; returns the number of records. Throws what
   * the task throws (an error handler answered `fail`).
   */
  process(batch: ConsumerBatch): number {
    const records = batch.records;
    const first = records[0];
    if (first === undefined) return 0;
    const p = this.track(batch.topic, batch.partition);
    // A pending task's partitions are paused: the consumer hands out none of their records.
    if (p === undefined)
      throw new Error(
        `invariant: records of ${batch.topic}-${batch.partition}, whose task is pending`,
      );
    if (p.committed < 0) p.committed = first.offset;
    const task = p.task;
    for (const record of records) task.process(record);
    const last = records[records.length - 1];
    if (last !== undefined) p.processed = last.offset + 1;
    return records.length;
  }

  /**
   * Processed offsets not yet committed, of `partitions` (default all), each with its partition
   * time in the metadata (so stream time survives the task moving).
   */
  uncommitted(partitions?: readonly TopicPartition[]): TopicPartitionOffset[] {
    const list =
      partitions === undefined
        ? [...this.progress.values()]
        : partitions.flatMap((tp) => this.progress.get(key(tp.topic, tp.partition)) ?? []);
    return list
      .filter((p) => p.processed >= 0 && p.processed !== p.committed)
      .map((p) => {
        const metadata = encodePartitionTime(p.task.partitionTimeMs?.(p.topic) ?? -1);
        const offset = { topic: p.topic, partition: p.partition, offset: p.processed };
        return metadata === '' ? offset : { ...offset, metadata };
      });
  }

  /** Notes a successful commit; returns how many records it covered. */
  markCommitted(offsets: readonly TopicPartitionOffset[]): number {
    let records = 0;
    for (const o of offsets) {
      const p = this.progress.get(key(o.topic, o.partition));
      if (p === undefined || o.offset <= p.committed) continue;
      records += o.offset - p.committed;
      p.committed = o.offset;
    }
    return records;
  }

  /** The committed offset of each tracked partition of `topics` (for repartition purges). */
  committedOf(topics: ReadonlySet<string>): TopicPartitionOffset[] {
    return [...this.progress.values()]
      .filter((p) => topics.has(p.topic) && p.committed > 0)
      .map((p) => ({ topic: p.topic, partition: p.partition, offset: p.committed }));
  }

  /** Wall-clock punctuation of every task. */
  punctuate(nowMs: number): void {
    for (const task of this.tasks.values()) task.punctuateWallClock(nowMs);
  }

  /** Forgets `partitions` and closes every task that read one of them. */
  release(partitions: readonly TopicPartition[]): void {
    const closing = new Set<Task>();
    for (const [name, p] of this.pending) {
      const left = p.partitions.filter(
        (tp) => !partitions.some((r) => r.topic === tp.topic && r.partition === tp.partition),
      );
      if (left.length === 0) this.pending.delete(name);
      else p.partitions = left;
    }
    for (const tp of partitions) {
      const k = key(tp.topic, tp.partition);
      const p = this.progress.get(k);
      if (p === undefined) continue;
      this.progress.delete(k);
      closing.add(p.task);
    }
    for (const [k, p] of this.progress) if (closing.has(p.task)) this.progress.delete(k);
    for (const task of closing) {
      if (this.hooks.keepOpen?.(task) === true) this.tasks.delete(taskName(task.id));
      else this.closeTask(task);
    }
  }

  /** Closes every task. */
  closeAll(): void {
    this.progress.clear();
    this.pending.clear();
    for (const task of [...this.tasks.values()]) this.closeTask(task);
  }

  /** Closes a task (one released while kept open, or one being released). */
  closeTask(task: Task): void {
    const name = taskName(task.id);
    if (this.tasks.get(name) === task) this.tasks.delete(name);
    try {
      task.close();
    } catch (err) {
      this.logger.warn({ task: name, err }, 'closing a task failed');
    }
    this.logger.debug({ task: name }, 'task closed');
  }
}
