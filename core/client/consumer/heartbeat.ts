/**
 * A group member's heartbeats: one Heartbeat every heartbeat.interval.ms on the `coordinator`
 * connection while the member is stable, each answer turned into what the member must do
 * (rejoin, give its partitions up as lost, or fail when its static instance id was fenced).
 * Heartbeats run on their own timer, independent of the poll loop, as in the Java client.
 */
import { ErrorCode, errorName } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Cluster } from '../cluster.js';
import { sendHeartbeat } from './group-requests.js';
import type { Generation } from './offsets.js';

/** Coordinator errors after which FindCoordinator is asked again. */
export const COORDINATOR_MOVED: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
]);

/** What heartbeats tell their member. */
export interface HeartbeatHooks {
  /** The generation to heartbeat in. */
  generation(): Generation;
  /** The group is rebalancing: rejoin. */
  rebalancing(): void;
  /** The coordinator no longer knows the member or its generation (`code`). */
  lost(code: number): void;
  /** Another instance with the same group.instance.id took over. */
  fenced(err: FjordError): void;
}

/**
 * The heartbeat timer of one member; see the module comment.
 *
 * @example
 * ```ts
 * const heartbeat = new Heartbeat(cluster, config, hooks, logger);
 * heartbeat.start(); // after SyncGroup
 * heartbeat.stop(); // before rejoining or leaving
 * ```
 */
export class Heartbeat {
  /** Bumped by every start and stop, so a beat of an older run schedules no further beat. */
  private token = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly config: {
      readonly groupId: string;
      readonly groupInstanceId: string | null;
      readonly heartbeatIntervalMs: number;
    },
    private readonly hooks: HeartbeatHooks,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stop();
    const token = ++this.token;
    const tick = async (): Promise<void> => {
      if (token !== this.token) return;
      await this.beat();
      if (token === this.token)
        this.timer = setTimeout(() => void tick(), this.config.heartbeatIntervalMs).unref();
    };
    this.timer = setTimeout(() => void tick(), this.config.heartbeatIntervalMs).unref();
  }

  stop(): void {
    this.token++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async beat(): Promise<void> {
    const { groupId } = this.config;
    try {
      const errorCode = await sendHeartbeat(this.cluster, groupId, this.hooks.generation());
      switch (errorCode) {
        case ErrorCode.NONE:
          return;
        case ErrorCode.REBALANCE_IN_PROGRESS:
          this.hooks.rebalancing();
          return;
        case ErrorCode.UNKNOWN_MEMBER_ID:
        case ErrorCode.ILLEGAL_GENERATION:
          this.hooks.lost(errorCode);
          return;
        case ErrorCode.FENCED_INSTANCE_ID:
          this.stop();
          this.hooks.fenced(
            new FjordError(
              `group.instance.id ${this.config.groupInstanceId ?? ''} was fenced`,
              errorCode,
            ),
          );
          return;
        default:
          if (COORDINATOR_MOVED.has(errorCode)) this.cluster.forgetCoordinator(groupId);
          this.logger.debug({ group: groupId, error: errorName(errorCode) }, 'heartbeat failed');
      }
    } catch (err) {
      this.cluster.forgetCoordinator(groupId);
      this.logger.debug({ group: groupId, err }, 'heartbeat failed');
    }
  }
}
