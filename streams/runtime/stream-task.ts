/**
 * A task: one partition of one sub-topology, wired into RxJS (see task-graph.ts). It
 * deserializes each input record, advances stream time (the largest event time seen), pushes
 * the record through the graph synchronously, fires due stream-time punctuators, and routes
 * every failure to the error handlers. A handler answering `fail`, an exception in a user RxJS
 * operator, or a record reaching a sink outside processing (an asynchronous operator) kills the
 * task: `process` throws a {@link StreamsError} then and on every later call.
 */
import type { Subject, Subscription } from 'rxjs';

import { ConfigError, type ConsumerRecord, type Logger } from '../../core/index.js';
import { SerdeError, type Serde } from '../serde/index.js';

import type { AnyRecord, NodeContext } from './node-context.js';
import type { Cancellable, Punctuator, PunctuationType, RecordContext } from './processor.js';
import { PunctuationQueue } from './punctuation-queue.js';
import { serdeContext, toStreamHeaders } from './record-headers.js';
import { resolveTopic } from './runnable-topology.js';
import { sinkWriter } from './sink-node.js';
import type { StreamRecord } from './stream-record.js';
import { asError, StreamsError } from './streams-error.js';
import { TaskFailures } from './task-failures.js';
import { wireTaskGraph } from './task-graph.js';
import { TaskStores } from './task-stores.js';
import {
  taskName,
  type Task,
  type TaskEnvironment,
  type TaskId,
  type TaskStore,
  type TimestampExtractor,
} from './task.js';
import type { SinkNodeSpec, SourceNodeSpec, SubtopologyPlan } from './topology-nodes.js';

interface SourceRuntime {
  readonly spec: SourceNodeSpec;
  readonly subject: Subject<AnyRecord>;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** Undefined: the record's own timestamp. */
  readonly extractor: TimestampExtractor | undefined;
}

type Phase = 'idle' | 'processing' | 'punctuating' | 'flushing' | 'closed';

/**
 * The serdes of a source or sink: its own, else the runner's defaults, else those inherited from
 * upstream; none is a {@link ConfigError} naming the node.
 */
function serdesOf(
  node: SourceNodeSpec | SinkNodeSpec,
  env: TaskEnvironment,
): { keySerde: Serde<unknown>; valueSerde: Serde<unknown> } {
  const pick = (
    side: 'key' | 'value',
    own: Serde<unknown> | undefined,
    fallback: Serde<unknown> | undefined,
  ) => {
    const serde = own ?? fallback ?? node.inherited?.[side];
    if (serde === undefined)
      throw new ConfigError(
        `${node.kind} ${node.name} (${side}): no serde given, none known upstream and no default set`,
      );
    return serde;
  };
  return {
    keySerde: pick('key', node.keySerde, env.defaultKeySerde),
    valueSerde: pick('value', node.valueSerde, env.defaultValueSerde),
  };
}

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
  private readonly sources = new Map<string, SourceRuntime>();
  private readonly partitionTimes = new Map<string, number>();
  private readonly streamPunctuation = new PunctuationQueue();
  private readonly wallPunctuation = new PunctuationQueue();
  private readonly closeHooks: (() => void)[] = [];
  private readonly subscription: Subscription;
  private phase: Phase = 'idle';
  private input: ConsumerRecord | undefined;
  /** The deserialized input being processed, and its record context once asked for. */
  private current: AnyRecord | undefined;
  private context: RecordContext | undefined;
  private readonly failures: TaskFailures;
  private readonly stores: TaskStores;
  /** The stores each processor node is connected to. */
  private readonly connected = new Map<string, readonly string[]>();

  constructor(
    plan: SubtopologyPlan,
    id: TaskId,
    private readonly env: TaskEnvironment,
  ) {
    this.id = id;
    this.name = taskName(id);
    this.logger = env.logger; // the runner binds the task to it
    this.failures = new TaskFailures(this.name, env.errors, env.logger);
    for (const node of plan.nodes)
      if (node.kind === 'processor') this.connected.set(node.name, node.stores);
    // Stores exist before the graph is wired: processors may look them up in init().
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
    const graph = wireTaskGraph(plan, {
      nodeContext: (name, children) => this.nodeContext(name, children),
      sinkWriter: (spec) =>
        sinkWriter(spec, {
          applicationId: env.applicationId,
          collector: env.collector,
          ...serdesOf(spec, env),
          recordContext: () => this.recordContext(),
          accepting: (sink) => this.accepting(sink),
          failed: (sink, error, record, output) => {
            this.failures.production(sink, error, record, this.input, output);
          },
        }),
      pipelineError: (error) => {
        this.failures.pipeline(error);
      },
    });
    this.subscription = graph.subscription;
    for (const node of plan.nodes) {
      const subject = graph.sources.get(node.name);
      if (node.kind !== 'source' || subject === undefined) continue;
      const runtime: SourceRuntime = {
        spec: node,
        subject,
        ...serdesOf(node, env),
        extractor:
          node.timestampExtractor ??
          (node.topics.some((t) => t.internal) ? undefined : env.timestampExtractor),
      };
      for (const topic of node.topics)
        this.sources.set(resolveTopic(topic, env.applicationId), runtime);
    }
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
    const input = this.input;
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
    const source = this.sources.get(record.topic);
    if (source === undefined)
      throw this.failures.die(
        new StreamsError(`task ${this.name} reads no topic ${record.topic}`, { taskId: this.name }),
      );
    this.phase = 'processing';
    this.input = record;
    try {
      const input = this.deserialize(source, record);
      if (input === undefined) return;
      if (input.timestamp > this.streamTime) this.streamTime = input.timestamp;
      this.current = input;
      source.subject.next(input);
      this.current = undefined;
      this.input = undefined;
      if (this.failures.fatal === undefined)
        this.streamPunctuation.punctuate(this.streamTime, this.runPunctuator);
    } finally {
      this.phase = 'idle';
      this.input = undefined;
      this.current = undefined;
      this.context = undefined;
    }
    if (this.failures.fatal !== undefined) throw this.failures.fatal;
  }

  punctuateWallClock(nowMs: number): void {
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
    this.subscription.unsubscribe();
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
    if (this.phase !== 'idle')
      throw new StreamsError(`task ${this.name}: process/punctuate called re-entrantly`, {
        taskId: this.name,
      });
  }

  private deserialize(source: SourceRuntime, record: ConsumerRecord): AnyRecord | undefined {
    let key: unknown;
    let value: unknown;
    let timestamp: number;
    let headers;
    try {
      headers = toStreamHeaders(record.headers);
      const ctx = serdeContext(record.topic, headers);
      key = decode(source.keySerde, record.key, ctx, 'key');
      value = decode(source.valueSerde, record.value, ctx, 'value');
      const partitionTime = this.partitionTimes.get(record.topic) ?? -1;
      timestamp =
        source.extractor === undefined ? record.timestamp : source.extractor(record, partitionTime);
      if (!Number.isFinite(timestamp) || timestamp < 0)
        throw new StreamsError(
          `record ${record.topic}-${record.partition}@${record.offset} has an invalid timestamp ${timestamp}; ` +
            'use a timestamp extractor that returns a non-negative epoch ms',
          { taskId: this.name, nodeName: source.spec.name },
        );
      if (timestamp > partitionTime) this.partitionTimes.set(record.topic, timestamp);
    } catch (err) {
      const fatal = this.failures.deserialization(err, record);
      if (fatal !== undefined) throw fatal;
      return undefined;
    }
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    return { key, value, headers, timestamp, source: position } satisfies StreamRecord<
      unknown,
      unknown
    >;
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
      userError: (error) => this.failures.processing(nodeName, error, this.input),
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
      this.failures.processing(nodeName, err, this.input);
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

function decode(
  serde: Serde<unknown>,
  data: Buffer | null,
  ctx: ReturnType<typeof serdeContext>,
  side: 'key' | 'value',
): unknown {
  try {
    return serde.deserialize(data, ctx);
  } catch (err) {
    throw err instanceof SerdeError ? err.withSide(side) : err;
  }
}
