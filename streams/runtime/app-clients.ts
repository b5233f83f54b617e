/**
 * The cluster-facing side of a {@link StreamsApp}'s start and stop: the admin client (internal
 * topics, changelog end offsets, repartition purges), the interactive-query server, the global
 * tables' consumer (whole before the app joins its group), and closing them all with the
 * group consumer and the producer, each failure logged and the rest closed anyway.
 */
import { Admin, Consumer, type Logger, type Producer } from '../../core/index.js';

import type { AppStores } from './app-stores.js';
import { clusterChangelogReader } from './changelog-reader.js';
import { GlobalTableConsumer } from './global-consumer.js';
import type { GlobalStores } from './global-tables.js';
import { prepareTopics, topicAdminOf } from './internal-topics.js';
import { startQueryServer, type QueryServer } from './query-server.js';
import type { RunnableTopology } from './runnable-topology.js';
import type { StandbyTasks } from './standby-tasks.js';
import type { ResolvedStreamsConfig } from './streams-config.js';

/**
 * The clients of one app.
 *
 * @example
 * ```ts
 * const clients = new AppClients(consumer, producer, logger);
 * await clients.connect({ config, topology, stores, globals, sourceTopics, signal });
 * await clients.close();
 * ```
 */
export class AppClients {
  admin: Admin | undefined;
  private queryServer: QueryServer | undefined;
  private globalConsumer: GlobalTableConsumer | undefined;

  constructor(
    readonly consumer: Consumer,
    readonly producer: Producer,
    private readonly logger: Logger,
  ) {}

  /** The port of the interactive-query HTTP endpoint, once started. */
  get queryPort(): number | undefined {
    return this.queryServer?.port;
  }

  /**
   * Creates the internal topics, starts restoring through the admin client, serves queries,
   * fills the global tables, connects the consumer and producer and subscribes.
   */
  async connect(p: {
    readonly config: ResolvedStreamsConfig;
    readonly topology: RunnableTopology;
    readonly stores: AppStores;
    readonly standbys: StandbyTasks;
    readonly globals: GlobalStores;
    readonly sourceTopics: readonly string[];
    readonly signal: AbortSignal;
  }): Promise<void> {
    const c = p.config;
    const admin = await Admin.connect(c.bootstrap, c.admin.clientId ?? `${c.clientId}-admin`);
    this.admin = admin;
    const topics = topicAdminOf(admin);
    await prepareTopics(topics, p.topology, c.applicationId, c.replicationFactor, this.logger);
    const restoreClientId = `${c.clientId}-restore-consumer`;
    const reader = clusterChangelogReader(admin, {
      bootstrap: c.bootstrap,
      clientId: restoreClientId,
      signal: p.signal,
    });
    p.stores.connect(reader);
    const standbyClientId = `${c.clientId}-standby-consumer`;
    p.standbys.connect(
      reader,
      () =>
        new Consumer({
          bootstrap: c.bootstrap,
          clientId: standbyClientId,
          autoOffsetReset: 'earliest',
          fetchMaxWaitMs: 100,
        }),
    );
    const server = c.applicationServer;
    if (server !== undefined)
      this.queryServer = await startQueryServer({
        ...server,
        stores: p.stores,
        logger: this.logger,
      });
    // Global tables are whole before the app joins its group (so before any task processes).
    this.globalConsumer = new GlobalTableConsumer(p.globals, {
      bootstrap: c.bootstrap,
      clientId: `${c.clientId}-global-consumer`,
      logger: this.logger,
    });
    await this.globalConsumer.start(admin, p.signal);
    await Promise.all([this.producer.connect(), this.consumer.connect()]);
    this.consumer.subscribe(p.sourceTopics);
  }

  /** Closes the query server and every client; failures are logged. */
  async close(): Promise<void> {
    await this.queryServer?.close();
    const admin = this.admin;
    const clients: (readonly [string, () => Promise<void>])[] = [
      ['consumer', () => this.consumer.close()],
      ['global consumer', () => this.globalConsumer?.close() ?? Promise.resolve()],
      ['producer', () => this.producer.close()],
      ...(admin === undefined ? [] : [['admin client', () => admin.close()] as const]),
    ];
    for (const [what, close] of clients)
      await close().catch((err: unknown) => {
        this.logger.warn({ err }, `closing the ${what} failed`);
      });
  }
}
