/**
 * Fills an app's global tables: before the app joins its group, one consumer (no group) reads
 * every partition of every global topic to its end offset (the bootstrap), so no task processes
 * before the tables are whole; afterwards it keeps applying new records in the background.
 */
import { Consumer, type Admin, type Logger, type TopicPartition } from '../../core/index.js';

import type { GlobalStores } from './global-tables.js';

/**
 * The consumer of an app's global tables.
 *
 * @example
 * ```ts
 * const globals = new GlobalTableConsumer(stores, { bootstrap, clientId: 'app-global', logger });
 * await globals.start(admin, stop.signal); // resolves once every table is bootstrapped
 * await globals.close();
 * ```
 */
export class GlobalTableConsumer {
  private consumer: Consumer | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly stores: GlobalStores,
    private readonly options: {
      readonly bootstrap: string;
      readonly clientId: string;
      readonly logger: Logger;
    },
  ) {}

  /** Bootstraps every global table, then keeps them updated until `signal` aborts. */
  async start(admin: Admin, signal: AbortSignal): Promise<void> {
    const topics = this.stores.topics;
    if (topics.length === 0) return;
    const ends: (TopicPartition & { readonly end: number })[] = [];
    for (const topic of topics)
      for (const [partition, o] of await admin.listOffsets(topic, 'latest'))
        ends.push({ topic, partition, end: o.offset });
    const consumer = new Consumer({
      bootstrap: this.options.bootstrap,
      clientId: this.options.clientId,
      autoOffsetReset: 'earliest',
      fetchMaxWaitMs: 100,
    });
    this.consumer = consumer;
    await consumer.connect();
    consumer.assign(ends.map(({ topic, partition }) => ({ topic, partition, offset: 0 })));
    const started = Date.now();
    let applied = 0;
    let pending = ends.filter((e) => e.end > 0);
    while (pending.length > 0 && !signal.aborted) {
      const batch = await consumer.poll(signal);
      for (const r of batch?.records ?? []) this.stores.apply(r);
      applied += batch?.records.length ?? 0;
      pending = pending.filter((e) => (consumer.position(e) ?? 0) < e.end);
    }
    this.options.logger.info(
      { topics, records: applied, ms: Date.now() - started },
      'global tables bootstrapped',
    );
    this.loop = this.follow(consumer, signal);
  }

  /** Stops following (after the app's stop signal aborted) and closes the consumer. */
  async close(): Promise<void> {
    await this.consumer?.close();
    await this.loop;
  }

  private async follow(consumer: Consumer, signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        const batch = await consumer.poll(signal);
        for (const r of batch?.records ?? []) this.stores.apply(r);
      }
    } catch (err) {
      if (!signal.aborted) this.options.logger.error({ err }, 'a global table stopped updating');
    }
  }
}
