/**
 * A task: one partition of one sub-topology, wired into RxJS (see task-graph.ts). Its stores
 * exist from creation, so the runner can restore them; its processors are created, and their
 * `init()` runs, only in {@link StreamTask.initialize}, once the stores are restored (as in Kafka
 * Streams, where a task is RESTORING until then), so `init()` sees restored state. It
 * deserializes each input record, advances stream time (the largest event time seen), pushes
 * the record through the graph synchronously, fires due stream-time punctuators, and routes
 * every failure to the error handlers. A handler answering `fail`, an exception in a user RxJS
 * operator, or a record reaching a sink outside processing (an asynchronous operator) kills the
 * task: `process` throws a {@link StreamsError} then and on every later call.
 */
import type { Subscription } from 'rxjs';

import { ConfigError, type ConsumerRecord, type Logger } from '../../core/index.js';

import type { AnyRecord, NodeContext } from './node-context.js';
import type { Cancellable, Punctuator, PunctuationType, RecordContext } from './processor.js';
import { PunctuationQueue } from './punctuation-queue.js';
import { sinkWriter } from './sink-node.js';
import { asError, StreamsError } from './streams-error.js';
import { TaskFailures } from './task-failures.js';
import { serdesOf, TaskInput } from './task-input.js';
import { wireTaskGraph } from './task-graph.js';
import { TaskStores } from './task-stores.js';
import { taskName, type Task, type TaskEnvironment, type TaskId, type TaskStore } from './task.js';
import type { SubtopologyPlan } from './topology-nodes.js';

/** `restoring`: created, stores being restored, processors not created yet. */
type Phase = 'restoring' | 'idle' | 'processing' | 'punctuating' | 'flushing' | 'closed';

/**
 * The {@link Task} a {@link Topology} creates.
 *
 * @example
 * ```ts
 * const task = topology.createTask({ subtopology: 0, partition: 0 }, env);
 * task.process(consumerRecord);
 * task.punctuateWallClock(Date.now());
 * task.close();
 * ```
 */
export class StreamTask implements Task {
  readonly id: TaskId;
  private readonly name: string;
  private readonly logger: Logger;
  private streamTime = -1;
  private readonly input: TaskInput;
  private readonly streamPunctuation = new PunctuationQueue();
  private readonly wallPunctuation = new PunctuationQueue();
  private readonly closeHooks: (() => void)[] = [];
  private subscription: Subscription | undefined;
  private phase: Phase = 'restoring';
  private consumed: ConsumerRecord | undefined;
  /** The deserialized input being processed, and its record context once asked for. */
  private current: AnyRecord | undefined;
  private context: RecordContext | undefined;
  private readonly failures: TaskFailures;
  private readonly stores: TaskStores;
  /** The stores each processor node is connected to. */
  private readonly connected = new Map<string, readonly string[]>();

  constructor(
    private readonly plan: SubtopologyPlan,
    id: TaskId,
    private readonly env: TaskEnvironment,
  ) {
    this.id = id;
    this.name = taskName(id);
    this.logger = env.logger; // the runner binds the task to it
    this.failures = new TaskFailures(this.name, env.errors, env.logger);
    this.input = new TaskInput(this.name, env);
    for (const node of plan.nodes)
      if (node.kind === 'processor') this.connected.set(node.name, node.stores);
    // Stores exist from creation, so the runner restores them before initialize() wires the graph.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const task = this;
    this.stores = new TaskStores(plan.stores, {
      id,
      env,
      logger: this.logger,
      recordContext: () => this.recordContext(),
      flushing: (flush) => {
        this.runFlush(flush);
      },
      get streamTimeMs() {
        return task.streamTime;
      },
    });
  }

  /**
   * Creates the processors (running their `init()`) on the restored stores, and seeds stream
   * time with the partition times committed for the task's inputs (full topic name → ms), so
   * windows and suppression go on where the task's previous owner left them.
   */
  initialize(partitionTimes: ReadonlyMap<string, number> = new Map()): void {
    if (this.phase !== 'restoring') return;
    this.streamTime = Math.max(this.streamTime, this.input.seed(partitionTimes));
    this.phase = 'idle';
    const env = this.env;
    const graph = wireTaskGraph(this.plan, {
      nodeContext: (name, children) => this.nodeContext(name, children),
      sinkWriter: (spec) =>
        sinkWriter(spec, {
          applicationId: env.applicationId,
          collector: env.collector,
          ...serdesOf(spec, env),
          recordContext: () => this.recordContext(),
          accepting: (sink) => this.accepting(sink),
          failed: (sink, error, record, output) => {
            this.failures.production(sink, error, record, this.consumed, output);
          },
        }),
      pipelineError: (error) => {
        this.failures.pipeline(error);
      },
    });
    this.subscription = graph.subscription;
    this.input.connect(this.plan, graph.sources);
  }

  /** Whether {@link StreamTask.initialize} ran (the task may process). */
  get initialized(): boolean {
    return this.phase !== 'restoring' && this.subscription !== undefined;
  }

  /** The partition time of input `topic` (full name); -1 before its first record. */
  partitionTimeMs(topic: string): number {
    return this.input.partitionTimeMs(topic);
  }

  /** The largest event time this task has seen; -1 before its first record. */
  get streamTimeMs(): number {
    return this.streamTime;
  }

  get stateStores(): readonly TaskStore[] {
    return this.stores.list;
  }

  flushStores(): void {
    this.runFlush(() => {
      this.stores.flush();
    });
  }

  /**
   * Runs a cache flush: it forwards the cached results of the DSL's stores downstream, so the
   * records reaching sinks then are accepted as in processing (on commit, or an eviction caused
   * by another task's write; within this task's own processing, it is part of it).
   */
  private runFlush(flush: () => void): void {
    if (this.phase !== 'idle') {
      flush();
      return;
    }
    this.phase = 'flushing';
    try {
      flush();
    } finally {
      this.phase = 'idle';
    }
  }

  checkpointStores(): void {
    this.stores.checkpoint();
  }

  /** The record context of the input being processed (built on first use); undefined in punctuators. */
  private recordContext(): RecordContext | undefined {
    const input = this.consumed;
    const current = this.current;
    if (input === undefined || current === undefined) return undefined;
    this.context ??= {
      topic: input.topic,
      partition: input.partition,
      offset: input.offset,
      timestamp: current.timestamp,
      headers: current.headers,
    };
    return this.context;
  }

  process(record: ConsumerRecord): void {
    this.assertIdle();
    const source = this.input.source(record.topic);
    if (source === undefined)
      throw this.failures.die(
        new StreamsError(`task ${this.name} reads no topic ${record.topic}`, { taskId: this.name }),
      );
    this.phase = 'processing';
    this.consumed = record;
    try {
      const input = this.deserialize(source, record);
      if (input === undefined) return;
      if (input.timestamp > this.streamTime) this.streamTime = input.timestamp;
      this.current = input;
      source.subject.next(input);
      this.current = undefined;
      this.consumed = undefined;
      if (this.failures.fatal === undefined)
        this.streamPunctuation.punctuate(this.streamTime, this.runPunctuator);
    } finally {
      this.phase = 'idle';
      this.consumed = undefined;
      this.current = undefined;
      this.context = undefined;
    }
    if (this.failures.fatal !== undefined) throw this.failures.fatal;
  }

  punctuateWallClock(nowMs: number): void {
    if (this.phase === 'restoring') return; // no processors yet: nothing is scheduled
    this.assertIdle();
    this.wallPunctuation.punctuate(nowMs, this.runPunctuator);
    if (this.failures.fatal !== undefined) throw this.failures.fatal;
  }

  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.streamPunctuation.clear();
    this.wallPunctuation.clear();
    let failure: unknown;
    for (const hook of this.closeHooks) {
      try {
        hook();
      } catch (err) {
        this.logger.error({ err: asError(err) }, 'closing a processor failed');
        failure ??= err;
      }
    }
    this.subscription?.unsubscribe();
    const storeFailure = this.stores.close();
    if (storeFailure !== undefined) {
      this.logger.error({ err: asError(storeFailure) }, 'closing a state store failed');
      failure ??= storeFailure;
    }
    if (failure !== undefined)
      throw new StreamsError(`task ${this.name}: closing a processor failed`, {
        cause: failure,
        taskId: this.name,
      });
  }

  private assertIdle(): void {
    if (this.failures.fatal !== undefined) throw this.failures.fatal;
    if (this.phase === 'closed')
      throw new StreamsError(`task ${this.name} is closed`, { taskId: this.name });
    if (this.phase === 'restoring')
      throw new StreamsError(`task ${this.name} is restoring: initialize() it first`, {
        taskId: this.name,
      });
    if (this.phase !== 'idle')
      throw new StreamsError(`task ${this.name}: process/punctuate called re-entrantly`, {
        taskId: this.name,
      });
  }

  private deserialize(
    source: NonNullable<ReturnType<TaskInput['source']>>,
    record: ConsumerRecord,
  ): AnyRecord | undefined {
    try {
      return this.input.deserialize(source, record);
    } catch (err) {
      const fatal = this.failures.deserialization(err, record);
      if (fatal !== undefined) throw fatal;
      return undefined;
    }
  }

  private nodeContext(nodeName: string, children: readonly string[]): NodeContext {
    const env = this.env;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const task = this;
    return {
      nodeName,
      children,
      taskId: this.id,
      applicationId: env.applicationId,
      logger: this.logger.child({ node: nodeName }),
      get streamTimeMs() {
        return task.streamTime;
      },
      currentWallClockMs: () => env.wallClockMs(),
      get recordContext() {
        return task.recordContext();
      },
      schedule: (intervalMs, type, callback) => this.schedule(nodeName, intervalMs, type, callback),
      onClose: (hook) => {
        this.closeHooks.push(hook);
      },
      userError: (error) => this.failures.processing(nodeName, error, this.consumed),
      getStateStore: (name) => this.stores.get(name, nodeName, this.connected.get(nodeName) ?? []),
      getGlobalStore: (name) => {
        if (env.globalStores === undefined)
          throw new ConfigError(`${nodeName}: the runner holds no global table ${name}`);
        return env.globalStores.get(name);
      },
    };
  }

  private schedule(
    nodeName: string,
    intervalMs: number,
    type: PunctuationType,
    callback: Punctuator,
  ): Cancellable {
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 1)
      throw new StreamsError(
        `${nodeName}: a punctuation interval must be an integer ≥ 1 ms, got ${intervalMs}`,
        {
          nodeName,
          taskId: this.name,
        },
      );
    return type === 'stream-time'
      ? this.streamPunctuation.schedule(nodeName, 0, intervalMs, callback)
      : this.wallPunctuation.schedule(
          nodeName,
          this.env.wallClockMs() + intervalMs,
          intervalMs,
          callback,
        );
  }

  private readonly runPunctuator = (
    nodeName: string,
    callback: Punctuator,
    timestampMs: number,
  ): void => {
    if (this.failures.fatal !== undefined) return;
    const previous = this.phase;
    this.phase = 'punctuating';
    try {
      callback(timestampMs);
    } catch (err) {
      this.failures.processing(nodeName, err, this.consumed);
    } finally {
      this.phase = previous;
    }
  };

  private accepting(sink: string): boolean {
    if (this.failures.fatal !== undefined) return false;
    if (this.phase === 'processing' || this.phase === 'punctuating' || this.phase === 'flushing')
      return true;
    if (this.phase === 'closed') {
      this.logger.warn({ node: sink }, 'a record reached a sink while the task closed; dropped');
      return false;
    }
    this.failures.die(
      new StreamsError(
        `task ${this.name}: a record reached sink ${sink} outside processing; ` +
          'operators in .pipe() must be synchronous (no delays, timers or async schedulers)',
        { taskId: this.name, nodeName: sink },
      ),
    );
    return false;
  }
}
