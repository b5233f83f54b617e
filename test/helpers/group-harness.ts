/**
 * A group coordinator in virtual time over an in-memory `__consumer_offsets`, with member ids
 * `<prefix>-1`, `<prefix>-2`… and helpers that speak in consumer terms.
 */
import type { GroupCoordinatorConfig } from '../../core/broker/group/group-env.js';
import { GroupCoordinator } from '../../core/broker/group/group-coordinator.js';
import type { JoinRequest } from '../../core/broker/group/join-group.js';
import type { JoinResult, SyncResult } from '../../core/broker/group/member.js';
import { silentLogger } from '../../core/util/logger.js';
import { MemoryOffsetsLog } from './memory-offsets-log.js';
import { VirtualTime } from './virtual-time.js';

/** Kafka's defaults, with a short initial delay. */
export const TEST_GROUP_CONFIG: GroupCoordinatorConfig = {
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 100,
  maxSize: 1000,
  offsetsRetentionMs: 7 * 24 * 3_600_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  offsetsCommitTimeoutMs: 5000,
};

/** A ConsumerProtocolSubscription v0: version, topics, null user data. */
export function subscription(topics: readonly string[], tag = ''): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)];
  for (const t of topics) parts.push(int16(Buffer.byteLength(t)), Buffer.from(t));
  // User data distinguishes otherwise equal subscriptions in tests.
  parts.push(
    tag === '' ? int32(-1) : Buffer.concat([int32(Buffer.byteLength(tag)), Buffer.from(tag)]),
  );
  return Buffer.concat(parts);
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A promise whose settlement a test can look at without awaiting it. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  readonly done: boolean;
  /** The value; throws when not settled yet. */
  readonly value: T;
}

/** Tracks `promise`. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  let done = false;
  let value: T | undefined;
  void promise.then((v) => {
    done = true;
    value = v;
  });
  return {
    promise,
    get done() {
      return done;
    },
    get value(): T {
      if (!done) throw new Error('not settled');
      return value as T;
    },
  };
}

/** Lets resolved promises run their continuations. */
export function settle(): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(resolve);
  });
}

/** Options of {@link GroupHarness.join}. */
export interface JoinOptions extends Partial<JoinRequest> {
  readonly topics?: readonly string[];
}

/** See the module comment. */
export class GroupHarness {
  readonly time: VirtualTime;
  readonly coordinator: GroupCoordinator;
  private ids = 0;

  constructor(
    readonly config: GroupCoordinatorConfig = TEST_GROUP_CONFIG,
    readonly log = new MemoryOffsetsLog(),
    time?: VirtualTime,
  ) {
    this.time = time ?? new VirtualTime();
    this.coordinator = new GroupCoordinator({
      log,
      config,
      clock: this.time.clock,
      timers: this.time,
      logger: silentLogger,
      newMemberId: (prefix) => `${prefix}-${++this.ids}`,
    });
  }

  /** A JoinGroup (v5 semantics unless `requireKnownMemberId` says otherwise), tracked. */
  join(groupId: string, options: JoinOptions = {}): Tracked<JoinResult> {
    const { topics = ['t'], ...rest } = options;
    return track(
      this.coordinator.joinGroup({
        groupId,
        memberId: '',
        groupInstanceId: null,
        clientId: 'client',
        clientHost: '/127.0.0.1',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 30_000,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscription(topics) }],
        requireKnownMemberId: false,
        ...rest,
      }),
    );
  }

  /** A SyncGroup, tracked. */
  sync(
    groupId: string,
    memberId: string,
    generationId: number,
    assignments: Readonly<Record<string, string>> = {},
    groupInstanceId: string | null = null,
  ): Tracked<SyncResult> {
    return track(
      this.coordinator.syncGroup({
        groupId,
        memberId,
        generationId,
        groupInstanceId,
        assignments: Object.entries(assignments).map(([id, a]) => ({
          memberId: id,
          assignment: Buffer.from(a),
        })),
      }),
    );
  }

  heartbeat(
    groupId: string,
    memberId: string,
    generationId: number,
    instance: string | null = null,
  ): number {
    return this.coordinator.heartbeat(
      groupId,
      { memberId, groupInstanceId: instance },
      generationId,
    );
  }

  /**
   * One member forms a stable group: joins, waits out the initial delay, syncs with `assignment`.
   */
  async stableGroupOfOne(
    groupId: string,
    assignment = 'a',
    options: JoinOptions = {},
  ): Promise<JoinResult> {
    const joined = this.join(groupId, options);
    this.time.advance(this.config.initialRebalanceDelayMs);
    await settle();
    const j = joined.value;
    const synced = this.sync(
      groupId,
      j.memberId,
      j.generationId,
      { [j.memberId]: assignment },
      options.groupInstanceId ?? null,
    );
    await settle();
    if (synced.value.errorCode !== 0) throw new Error(`sync failed: ${synced.value.errorCode}`);
    return j;
  }

  state(groupId: string): string {
    return this.coordinator.describeGroup(groupId).state;
  }
}
