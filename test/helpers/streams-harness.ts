/**
 * Helpers for the streams runtime's integration tests: app instances as child processes (read
 * through their JSON event lines), a reader that keeps consuming an output topic, and the
 * producer side of the cleaner pipeline.
 */
import { fileURLToPath } from 'node:url';

import {
  Admin,
  Consumer,
  createEmbeddedBroker,
  Producer,
  type ConsumerRecord,
  type EmbeddedBroker,
} from '../../core/index.js';
import type { StreamsMetrics } from '../../streams/runtime/streams-app-options.js';
import { FAST_GROUP_PROPS, LineProcess, waitUntil } from './groups.js';
import type { StreamsProcessArgs } from './streams-app-process.js';
import { orderOf } from './streams-pipelines.js';

const APP_PROCESS = fileURLToPath(new URL('./streams-app-process.ts', import.meta.url));

/** One line a streams app process printed. */
export type AppEvent =
  | {
      readonly event: 'state';
      readonly state: string;
      readonly previous: string;
      readonly error?: string;
    }
  | { readonly event: 'tasks'; readonly tasks: readonly string[] }
  | {
      readonly event: 'restored';
      readonly storesRestored: number;
      readonly recordsRestored: number;
    }
  | {
      readonly event: 'standby';
      readonly standbyTasks: readonly string[];
      readonly standbyRecords: number;
    }
  | ({ readonly event: 'metrics' } & StreamsMetrics);

/** A streams app running in a child process. */
export class StreamsAppProcess {
  private readonly process: LineProcess;

  constructor(args: StreamsProcessArgs) {
    this.process = new LineProcess(process.execPath, [
      '--import',
      'tsx',
      APP_PROCESS,
      JSON.stringify(args),
    ]);
  }

  get events(): AppEvent[] {
    return this.process.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as AppEvent);
  }

  /** The tasks it reported last. */
  get tasks(): readonly string[] {
    const last = this.events.filter((e) => e.event === 'tasks').at(-1);
    return last?.event === 'tasks' ? last.tasks : [];
  }

  get states(): string[] {
    return this.events.flatMap((e) => (e.event === 'state' ? [e.state] : []));
  }

  get metrics(): StreamsMetrics | undefined {
    const m = this.events.find((e) => e.event === 'metrics');
    return m?.event === 'metrics' ? m : undefined;
  }

  /** Changelog records restored, as of the last time it entered RUNNING. */
  get recordsRestored(): number {
    const last = this.events.filter((e) => e.event === 'restored').at(-1);
    return last?.event === 'restored' ? last.recordsRestored : 0;
  }

  /** The standby tasks it reported last, and the changelog records they had applied. */
  get standby(): { readonly tasks: readonly string[]; readonly records: number } {
    const last = this.events.filter((e) => e.event === 'standby').at(-1);
    return last?.event === 'standby'
      ? { tasks: last.standbyTasks, records: last.standbyRecords }
      : { tasks: [], records: 0 };
  }

  get stderr(): string {
    return this.process.stderr;
  }

  /** Waits until `probe` holds for this process's events. */
  waitFor(
    what: string,
    probe: (p: StreamsAppProcess) => boolean,
    timeoutMs = 30_000,
  ): Promise<true> {
    return waitUntil(
      what,
      () => {
        if (this.states.includes('ERROR')) throw new Error(`app failed: ${this.process.stderr}`);
        return probe(this) || undefined;
      },
      { timeoutMs },
    );
  }

  /** Sends `signal` and resolves with how the process ended. */
  stop(signal: NodeJS.Signals): Promise<number | string> {
    return this.process.stop(signal);
  }
}

/** Waits until `apps` run disjoint, non-empty sets of tasks covering `tasks`. */
export async function waitForTasksSpread(
  apps: readonly StreamsAppProcess[],
  tasks: readonly string[],
): Promise<void> {
  await waitUntil(
    `tasks ${tasks.join(',')} spread over ${apps.length} app instances`,
    () => {
      const failed = apps.find((a) => a.states.includes('ERROR'));
      if (failed !== undefined) throw new Error(`app failed: ${failed.stderr}`);
      const held = apps.map((a) => a.tasks);
      const all = held.flat().sort();
      return (
        held.every((h) => h.length > 0) && JSON.stringify(all) === JSON.stringify([...tasks].sort())
      );
    },
    { timeoutMs: 30_000 },
  );
}

/** Keeps reading every partition of a topic from the start, in the background. */
export class TopicReader {
  readonly records: ConsumerRecord[] = [];
  private readonly done: Promise<void>;

  private constructor(private readonly consumer: Consumer) {
    this.done = (async () => {
      for await (const batch of consumer) this.records.push(...batch.records);
    })();
  }

  static async open(bootstrap: string, topic: string): Promise<TopicReader> {
    const consumer = new Consumer({ bootstrap, autoOffsetReset: 'earliest', fetchMaxWaitMs: 50 });
    consumer.assign(await consumer.partitionsFor(topic));
    return new TopicReader(consumer);
  }

  /** Values parsed as JSON. */
  values<T>(): T[] {
    return this.records.map((r) => JSON.parse(r.value?.toString() ?? 'null') as T);
  }

  until(what: string, probe: (r: TopicReader) => boolean, timeoutMs = 30_000): Promise<true> {
    return waitUntil(what, () => probe(this) || undefined, { timeoutMs });
  }

  async close(): Promise<void> {
    await this.consumer.close();
    await this.done;
  }
}

/** Sends the orders `from` ≤ id < `to` (key `k<id>`) and waits for their acknowledgement. */
export async function sendOrders(
  producer: Producer,
  topic: string,
  from: number,
  to: number,
): Promise<void> {
  const sends: Promise<unknown>[] = [];
  for (let id = from; id < to; id++)
    sends.push(producer.send({ topic, key: `k${id}`, value: JSON.stringify(orderOf(id)) }));
  await Promise.all(sends);
}

/** An embedded broker with an admin client, a producer and topic readers, for streams tests. */
export class StreamsCluster {
  private readonly readers: TopicReader[] = [];

  private constructor(
    readonly broker: EmbeddedBroker,
    readonly admin: Admin,
    readonly producer: Producer,
  ) {}

  /** Starts a broker with fast group settings. */
  static async start(): Promise<StreamsCluster> {
    const broker = await createEmbeddedBroker({ props: FAST_GROUP_PROPS });
    const admin = await Admin.connect(broker.bootstrap);
    return new StreamsCluster(
      broker,
      admin,
      new Producer({ bootstrap: broker.bootstrap, lingerMs: 5 }),
    );
  }

  get bootstrap(): string {
    return this.broker.bootstrap;
  }

  /** A reader of `topic` from its start, closed by {@link StreamsCluster.closeReaders}. */
  async reader(topic: string): Promise<TopicReader> {
    const r = await TopicReader.open(this.bootstrap, topic);
    this.readers.push(r);
    return r;
  }

  async closeReaders(): Promise<void> {
    await Promise.all(this.readers.splice(0).map((r) => r.close()));
  }

  async close(): Promise<void> {
    await this.closeReaders();
    await this.producer.close();
    await this.admin.close();
    await this.broker.close();
  }
}
