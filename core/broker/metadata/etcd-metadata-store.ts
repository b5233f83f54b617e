/**
 * The cluster {@link MetadataStore}: metadata in etcd (layout in etcd-snapshot.ts), cached here and
 * kept current by a watch on the prefix. Each change seen triggers one range read of the whole
 * prefix, so the cache is always a consistent snapshot of one etcd revision, never a replay of
 * events that could be applied out of order or missed across a reconnect.
 *
 * - Membership: the broker's key lives under a lease kept alive in the background; when the lease
 *   is lost (etcd restarted past the TTL, a long pause) the broker registers again with a new one.
 * - Controller: etcd's election API; only the elected broker decides leaders
 *   (cluster-controller.ts), and each decision is a transaction that also requires its
 *   campaign key to still exist, so a controller whose lease expired cannot write.
 * - Every partition or topic change is a compare-and-swap on the record's mod revision.
 */
import { randomInt } from 'node:crypto';

import { ConstantBackoff, ExponentialBackoff, handleWhen, noop, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';
import type { Campaign, IKeyValue, Lease, Watcher } from 'etcd3';

import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { ReplicaAssignment, TopicMetadata, TopicStore } from '../broker-context.js';
import { randomUuid } from '../cluster-id.js';
import type { BrokerRegistration, PartitionState } from './cluster-view.js';
import { initialPartitionState } from './controller-decisions.js';
import { EMPTY_SNAPSHOT, EtcdKeys, parseSnapshot } from './etcd-snapshot.js';
import type { MetadataSnapshot, RawKv } from './etcd-snapshot.js';
import type { MetadataStore } from './metadata-store.js';
import { assignReplicas } from './placement.js';
import { EtcdTopicStore } from './etcd-topic-store.js';
import { ReplicaAdmin } from './replica-admin.js';
import { ClusterController, type LeaderRebalanceOptions } from './cluster-controller.js';

/** Options of {@link EtcdMetadataStore}. */
export interface EtcdMetadataStoreOptions {
  /** `etcd://host:port[,host:port...][/prefix]`. */
  readonly url: string;
  readonly nodeId: number;
  /** The broker's lease TTL: how long after a broker stops answering it counts as dead. */
  readonly leaseTtlSeconds?: number;
  /**
   * `unclean.leader.election.enable` of a topic (its override, else the broker default; off, as
   * Kafka): whether the controller may elect an out-of-sync replica when no in-sync one lives.
   */
  readonly uncleanLeaderElection?: (topic: string) => boolean;
  /**
   * `auto.leader.rebalance.enable` (default on, as Kafka): how often the controller moves
   * leadership back to preferred replicas, and the per-broker imbalance that triggers it.
   */
  readonly leaderRebalance?: LeaderRebalanceOptions;
  readonly logger: Logger;
}

/** Compare-and-swap conflicts an ISR change rereads and retries before giving up. */
const ALTER_ISR_ATTEMPTS = 5;

/** etcd's smallest lease TTL with its default timings is about 2 s. */
export const DEFAULT_LEASE_TTL_SECONDS = 6;

/** Splits `etcd://a:1,b:2/prefix` into etcd3 hosts and a key prefix (default `/fjord`). */
export function parseEtcdUrl(url: string): { hosts: string[]; prefix: string } {
  const match = /^etcd:\/\/([^/]+)(\/.*)?$/.exec(url);
  if (match === null) throw new FjordError(`not an etcd:// URL: ${url}`, ErrorCode.INVALID_CONFIG);
  const hosts = (match[1] ?? '').split(',').map((h) => `http://${h}`);
  const path = (match[2] ?? '/fjord').replace(/\/+$/, '');
  return { hosts, prefix: path === '' ? '/fjord' : path };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** See the module comment. */
export class EtcdMetadataStore implements MetadataStore {
  readonly kind = 'etcd';
  readonly topics: TopicStore;
  readonly replicaAdmin: ReplicaAdmin;
  private readonly client: Etcd3;
  private readonly keys: EtcdKeys;
  private readonly ttl: number;
  private readonly logger: Logger;
  private snapshot: MetadataSnapshot = EMPTY_SNAPSHOT;
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private watcher: Watcher | undefined;
  private lease: Lease | undefined;
  private campaign: Campaign | undefined;
  private campaignKey: string | undefined;
  private self: BrokerRegistration | undefined;
  private closed = false;
  private readonly controller: ClusterController;

  constructor(private readonly options: EtcdMetadataStoreOptions) {
    const { hosts, prefix } = parseEtcdUrl(options.url);
    this.client = new Etcd3({
      hosts,
      dialTimeout: 3000,
      faultHandling: {
        // No circuit breaker: with etcd's own hosts listed, a breaker only keeps a broker away
        // from an etcd that is back. Calls retry briefly; watches reconnect within a second.
        host: () => noop,
        global: retry(handleWhen(isRecoverableError), {
          maxAttempts: 3,
          backoff: new ConstantBackoff(200),
        }),
        watchBackoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }).next(),
      },
    });
    this.keys = new EtcdKeys(prefix);
    this.ttl = options.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS;
    this.logger = options.logger.child({ component: 'etcd-metadata' });
    this.topics = new EtcdTopicStore(this);
    this.controller = new ClusterController(
      {
        snapshot: () => this.snapshot,
        isController: () => this.campaignKey !== undefined && !this.closed,
        casPartition: (topic, partition, modRevision, next) =>
          this.casPartition(topic, partition, modRevision, next, true),
        uncleanLeaderElection: (topic) => options.uncleanLeaderElection?.(topic) ?? false,
        logger: this.logger,
      },
      options.leaderRebalance,
    );
    this.replicaAdmin = new ReplicaAdmin({
      view: this,
      isController: () => this.isController,
      partitions: () => this.partitionEntries(),
      write: (topic, partition, expected, next) =>
        this.casPartitionIfUnchanged(topic, partition, expected, next),
    });
  }

  /** The cluster id stored in etcd (set by the first broker to start). */
  get clusterId(): string {
    return this.snapshot.clusterId ?? '';
  }

  /** Whether this broker is the elected controller. */
  get isController(): boolean {
    return this.campaignKey !== undefined;
  }

  get current(): MetadataSnapshot {
    return this.snapshot;
  }

  async start(self: BrokerRegistration): Promise<void> {
    this.self = self;
    await this.client
      .if(this.keys.clusterId, 'Create', '==', 0)
      .then(this.client.put(this.keys.clusterId).value(randomUuid()))
      .commit();
    this.watcher = await this.client.watch().prefix(`${this.keys.prefix}/`).create();
    this.watcher.on('put', () => {
      this.scheduleRefresh();
    });
    this.watcher.on('delete', () => {
      this.scheduleRefresh();
    });
    // After a reconnect (etcd restarted) read everything again: events may have been missed.
    this.watcher.on('connected', () => {
      this.scheduleRefresh();
    });
    this.watcher.on('error', (err) => {
      this.logger.warn({ err }, 'etcd watch error');
    });
    await this.register();
    await this.refresh();
    this.startCampaign();
  }

  /** Puts this broker's key under a new lease; waits out a previous incarnation's key. */
  private async register(): Promise<void> {
    const self = this.self;
    if (self === undefined) return;
    const body = JSON.stringify({ host: self.host, port: self.port, rack: self.rack });
    const deadline = Date.now() + (this.ttl + 5) * 1000;
    for (;;) {
      const lease = this.client.lease(this.ttl);
      const leaseId = await lease.grant();
      const key = this.keys.broker(self.nodeId);
      let result = await this.client
        .if(key, 'Create', '==', 0)
        .then(this.client.put(key).value(body).lease(leaseId))
        .commit();
      if (!result.succeeded) {
        // The key holds this very endpoint: our own previous incarnation (a lost lease, or a
        // restart faster than the TTL). Two live brokers cannot share a host and port, so taking
        // it over is safe and spares a wait of a whole TTL.
        result = await this.client
          .if(key, 'Value', '==', body)
          .then(this.client.put(key).value(body).lease(leaseId))
          .commit();
      }
      if (result.succeeded) {
        this.lease = lease;
        lease.on('lost', (err) => {
          this.logger.warn({ err }, 'broker lease lost; registering again');
          this.lease = undefined;
          void this.reRegister();
        });
        this.logger.info({ nodeId: self.nodeId, leaseId }, 'broker registered');
        return;
      }
      await lease.revoke().catch(() => undefined);
      // A killed predecessor's key stays until its lease runs out (Kafka waits the same way).
      if (Date.now() > deadline) {
        throw new FjordError(
          `broker id ${self.nodeId} is registered by another live broker`,
          ErrorCode.KAFKA_STORAGE_ERROR,
        );
      }
      await sleep(500);
    }
  }

  private async reRegister(): Promise<void> {
    while (!this.closed && this.lease === undefined) {
      try {
        await this.register();
      } catch (err) {
        this.logger.warn({ err }, 'cannot register yet');
        await sleep(500);
      }
    }
  }

  private startCampaign(): void {
    if (this.closed || this.self === undefined) return;
    const election = this.client
      .namespace(this.keys.electionNamespace)
      .election('controller', this.ttl);
    const campaign = election.campaign(String(this.self.nodeId));
    this.campaign = campaign;
    campaign.on('elected', () => {
      // etcd3 announces 'elected' even to a campaign resigned while it waited (its wait for the
      // predecessor's key is not cancelled): a closed store must not start controlling.
      if (this.closed || this.campaign !== campaign) return;
      void campaign.getCampaignKey().then((key) => {
        if (this.closed || this.campaign !== campaign) return;
        this.campaignKey = key;
        this.logger.info({ nodeId: this.self?.nodeId }, 'elected controller');
        this.controller.onElected();
      });
    });
    campaign.on('error', (err) => {
      this.logger.warn({ err }, 'controller campaign failed; campaigning again');
      this.campaignKey = undefined;
      this.campaign = undefined;
      void sleep(500).then(() => {
        this.startCampaign();
      });
    });
  }

  scheduleRefresh(): void {
    if (this.closed) return;
    if (this.refreshing !== undefined) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = this.refresh()
      .catch((err: unknown) => {
        this.logger.warn({ err }, 'cannot read metadata from etcd');
        return sleep(500).then(() => {
          this.refreshAgain = true;
        });
      })
      .finally(() => {
        this.refreshing = undefined;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.scheduleRefresh();
        }
      });
  }

  /** Reads the whole prefix and, if newer than the cache, replaces it and tells the listeners. */
  async refresh(): Promise<void> {
    const response = await this.client.getAll().prefix(`${this.keys.prefix}/`).exec();
    const revision = BigInt(response.header.revision);
    if (revision <= this.snapshot.revision) return;
    const kvs = response.kvs as unknown as RawKv[];
    this.snapshot = parseSnapshot(this.keys, revision, kvs, (key) => {
      this.logger.warn({ key }, 'ignoring a malformed metadata record');
    });
    for (const listener of [...this.listeners]) listener();
    if (this.isController) void this.controller.reconcile();
  }

  /**
   * Writes `next` if the record is still at `modRevision` (and, `asController`, this broker still
   * holds the controller election). Returns whether it did; refreshes the cache either way.
   */
  async casPartition(
    topic: string,
    partition: number,
    modRevision: string,
    next: PartitionState,
    asController: boolean,
  ): Promise<boolean> {
    const key = this.keys.partition(topic, partition);
    let txn = this.client.if(key, 'Mod', '==', modRevision);
    if (asController) {
      if (this.campaignKey === undefined) return false;
      txn = txn.and(this.campaignKey, 'Create', '>', 0);
    }
    const result = await txn.then(this.client.put(key).value(JSON.stringify(next))).commit();
    await this.refresh();
    return result.succeeded;
  }

  /** {@link EtcdMetadataStore.casPartition} as the controller, over the cached `expected`. */
  private async casPartitionIfUnchanged(
    topic: string,
    partition: number,
    expected: PartitionState,
    next: PartitionState,
  ): Promise<boolean> {
    const entry = this.snapshot.partitions.get(`${topic}/${partition}`);
    if (entry?.value !== expected) return false;
    return this.casPartition(topic, partition, entry.modRevision, next, true);
  }

  private *partitionEntries(): Iterable<readonly [string, number, PartitionState]> {
    for (const [key, { value }] of this.snapshot.partitions) {
      const slash = key.lastIndexOf('/');
      yield [key.slice(0, slash), Number(key.slice(slash + 1)), value] as const;
    }
  }

  async alterIsr(
    topic: string,
    partition: number,
    leaderEpoch: number,
    change: (state: PartitionState) => readonly number[] | undefined,
  ): Promise<boolean> {
    const self = this.self?.nodeId;
    for (let attempt = 0; attempt < ALTER_ISR_ATTEMPTS && !this.closed; attempt++) {
      const record = this.snapshot.partitions.get(`${topic}/${partition}`);
      // The leader epoch is part of the record the compare-and-swap checks: a leader replaced
      // since it read the record fails the write, then sees here that it no longer leads.
      if (record === undefined) return false;
      const { value, modRevision } = record;
      if (value.leader !== self || value.leaderEpoch !== leaderEpoch) return false;
      const isr = change(value);
      if (isr === undefined) return true;
      const next = { ...value, isr: [...isr], partitionEpoch: value.partitionEpoch + 1 };
      if (await this.casPartition(topic, partition, modRevision, next, false)) {
        this.logger.info({ topic, partition, from: value.isr, to: isr }, 'ISR changed');
        return true;
      }
    }
    return false;
  }

  liveBrokers(): readonly BrokerRegistration[] {
    return [...this.snapshot.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  controllerId(): number {
    return this.snapshot.controllerId;
  }

  partitionState(topic: string, partition: number): PartitionState | undefined {
    return this.snapshot.partitions.get(`${topic}/${partition}`)?.value;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates a topic and its partitions in one transaction that fails if the name is taken. */
  async createTopic(
    name: string,
    partitionCount: number,
    configs: Readonly<Record<string, string>>,
    replicationFactor: number,
    manual?: ReplicaAssignment,
  ): Promise<TopicMetadata> {
    const assignment =
      manual ??
      assignReplicas(this.liveBrokers(), partitionCount, replicationFactor, randomInt(0, 1 << 30));
    const record = { topicId: randomUuid(), partitionCount, configs: { ...configs } };
    const puts = assignment.map((replicas, p) =>
      this.client
        .put(this.keys.partition(name, p))
        .value(JSON.stringify(initialPartitionState(replicas))),
    );
    const result = await this.client
      .if(this.keys.topic(name), 'Create', '==', 0)
      .then(this.client.put(this.keys.topic(name)).value(JSON.stringify(record)), ...puts)
      .commit();
    if (!result.succeeded)
      throw new FjordError(`Topic '${name}' already exists.`, ErrorCode.TOPIC_ALREADY_EXISTS);
    await this.refresh();
    return this.requireTopic(name).value;
  }

  async deleteTopic(name: string): Promise<void> {
    const current = this.requireTopic(name);
    const result = await this.client
      .if(this.keys.topic(name), 'Mod', '==', current.modRevision)
      .then(
        this.client.delete().key(this.keys.topic(name)),
        this.client.delete().prefix(this.keys.partitionsOf(name)),
      )
      .commit();
    if (!result.succeeded) throw conflict(name);
    await this.refresh();
  }

  /** Rewrites a topic's record through a compare-and-swap; `extra` adds partitions. */
  async updateTopic(
    name: string,
    change: (t: TopicMetadata) => TopicMetadata,
    replicationFactorOfNew?: number,
    manual?: ReplicaAssignment,
  ): Promise<TopicMetadata> {
    const current = this.requireTopic(name);
    const next = change(current.value);
    const record = {
      topicId: next.topicId,
      partitionCount: next.partitionCount,
      configs: next.configs,
    };
    const added = next.partitionCount - current.value.partitionCount;
    const puts =
      added <= 0
        ? []
        : (
            manual ??
            assignReplicas(
              this.liveBrokers(),
              added,
              replicationFactorOfNew ?? this.replicationFactorOf(name),
              randomInt(0, 1 << 30),
              current.value.partitionCount,
            )
          ).map((replicas, i) =>
            this.client
              .put(this.keys.partition(name, current.value.partitionCount + i))
              .value(JSON.stringify(initialPartitionState(replicas))),
          );
    const result = await this.client
      .if(this.keys.topic(name), 'Mod', '==', current.modRevision)
      .then(this.client.put(this.keys.topic(name)).value(JSON.stringify(record)), ...puts)
      .commit();
    if (!result.succeeded) throw conflict(name);
    await this.refresh();
    return this.requireTopic(name).value;
  }

  private replicationFactorOf(name: string): number {
    return this.partitionState(name, 0)?.replicas.length ?? 1;
  }

  private requireTopic(name: string): { value: TopicMetadata; modRevision: string } {
    const topic = this.snapshot.topics.get(name);
    if (topic === undefined) {
      throw new FjordError(`Topic '${name}' does not exist.`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    return topic;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.controller.stop();
    this.listeners.clear();
    await this.campaign?.resign().catch(() => undefined);
    this.campaign = undefined;
    this.campaignKey = undefined;
    await this.watcher?.cancel().catch(() => undefined);
    // Revoking deletes the registration at once, so the controller reacts without waiting a TTL.
    await this.lease?.revoke().catch(() => undefined);
    this.client.close();
  }

  /** Test hook: the raw etcd key-values under the prefix. */
  async rawKeys(): Promise<IKeyValue[]> {
    return (await this.client.getAll().prefix(`${this.keys.prefix}/`).exec()).kvs;
  }
}

function conflict(name: string): FjordError {
  // Another broker changed the topic between our read and our write: the client retries.
  return new FjordError(
    `Topic '${name}' changed concurrently; retry.`,
    ErrorCode.REQUEST_TIMED_OUT,
  );
}
