/**
 * Replica administration, as Kafka's AdminClient does it: preferred and unclean leader elections
 * (ElectLeaders, KIP-460) and partition reassignments (AlterPartitionReassignments and
 * ListPartitionReassignments, KIP-455). Every request goes to the controller named in Metadata;
 * NOT_CONTROLLER (the controller moved) refreshes the metadata and tries the new one, until a
 * deadline.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { KafkaConnection } from '../network/client-connection.js';
import { NetworkError } from '../network/errors.js';
import { ApiKey } from '../protocol/messages/index.js';
import { ErrorCode, errorName } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import { check } from './admin-requests.js';
import type { Cluster } from './cluster.js';

/** ElectLeaders' election types: the preferred replica, or any live one when none is in sync. */
export type ElectionKind = 'preferred' | 'unclean';

/** Some partitions of a topic. */
export interface ElectionPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** One partition's answer to an election or reassignment: `error` is undefined on success. */
export interface PartitionOutcome {
  readonly topic: string;
  readonly partition: number;
  readonly error?: FjordError;
}

/** A reassignment to ask for: the new replicas (preferred leader first), or null to cancel. */
export interface Reassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[] | null;
}

/** A reassignment still running. */
export interface OngoingReassignment {
  readonly topic: string;
  readonly partition: number;
  /** Every replica now: the target plus the ones being removed. */
  readonly replicas: readonly number[];
  readonly addingReplicas: readonly number[];
  readonly removingReplicas: readonly number[];
}

/** How long NOT_CONTROLLER and lost connections are retried. */
const RETRY_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Leader elections and reassignments; reach it as `admin.partitions` (see `Admin`).
 *
 * @example
 * ```ts
 * const admin = await Admin.connect('127.0.0.1:9092');
 * await admin.partitions.reassign([{ topic: 'orders', partition: 0, replicas: [2, 3] }]);
 * while ((await admin.partitions.reassignments()).length > 0) await sleep(500);
 * await admin.partitions.electLeaders('preferred', [{ topic: 'orders', partitions: [0] }]);
 * ```
 */
export class PartitionAdmin {
  /** @internal Built by `Admin`; reach it as `admin.partitions`. */
  constructor(private readonly cluster: Cluster) {}

  /**
   * Elects leaders for `partitions` (all partitions when omitted; then only those an election was
   * tried for are reported). Per-partition failures (ELECTION_NOT_NEEDED,
   * PREFERRED_LEADER_NOT_AVAILABLE, ...) are in the outcomes, not thrown.
   */
  async electLeaders(
    kind: ElectionKind,
    partitions?: readonly ElectionPartitions[],
  ): Promise<PartitionOutcome[]> {
    const response = await this.atController(async (c) => {
      const version = c.pickVersion(ApiKey.ELECT_LEADERS, 2);
      if (kind === 'unclean' && version < 1) {
        throw new FjordError(
          'the controller does not support unclean elections',
          ErrorCode.UNSUPPORTED_VERSION,
        );
      }
      const r = await c.send(ApiKey.ELECT_LEADERS, version, {
        electionType: kind === 'unclean' ? 1 : 0,
        topicPartitions:
          partitions?.map((t) => ({ topic: t.topic, partitions: [...t.partitions] })) ?? null,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      return { errorCode: r.errorCode ?? ErrorCode.NONE, errorMessage: null, body: r };
    });
    return response.replicaElectionResults.flatMap((t) =>
      t.partitionResult.map((p) =>
        outcome(t.topic, p.partitionId, p.errorCode, p.errorMessage, 'elect a leader'),
      ),
    );
  }

  /**
   * Starts, replaces or (with `replicas: null`) cancels reassignments. Resolves once the
   * controller stored them; the data moves afterwards (see {@link PartitionAdmin.reassignments}).
   */
  async reassign(reassignments: readonly Reassignment[]): Promise<PartitionOutcome[]> {
    const byTopic = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
    for (const r of reassignments) {
      const list = byTopic.get(r.topic) ?? [];
      list.push({ partitionIndex: r.partition, replicas: r.replicas && [...r.replicas] });
      byTopic.set(r.topic, list);
    }
    const response = await this.atController(async (c) => {
      const r = await c.send(
        ApiKey.ALTER_PARTITION_REASSIGNMENTS,
        c.pickVersion(ApiKey.ALTER_PARTITION_REASSIGNMENTS, 0),
        {
          timeoutMs: REQUEST_TIMEOUT_MS,
          topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
        },
      );
      return { errorCode: r.errorCode, errorMessage: r.errorMessage, body: r };
    });
    return response.responses.flatMap((t) =>
      t.partitions.map((p) =>
        outcome(t.name, p.partitionIndex, p.errorCode, p.errorMessage, 'reassign'),
      ),
    );
  }

  /** The running reassignments, of `partitions` or of all partitions. */
  async reassignments(partitions?: readonly ElectionPartitions[]): Promise<OngoingReassignment[]> {
    const response = await this.atController(async (c) => {
      const r = await c.send(
        ApiKey.LIST_PARTITION_REASSIGNMENTS,
        c.pickVersion(ApiKey.LIST_PARTITION_REASSIGNMENTS, 0),
        {
          timeoutMs: REQUEST_TIMEOUT_MS,
          topics:
            partitions?.map((t) => ({ name: t.topic, partitionIndexes: [...t.partitions] })) ??
            null,
        },
      );
      return { errorCode: r.errorCode, errorMessage: r.errorMessage, body: r };
    });
    return response.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        replicas: p.replicas,
        addingReplicas: p.addingReplicas,
        removingReplicas: p.removingReplicas,
      })),
    );
  }

  /** Runs `request` at the controller, following it when it moves. */
  private async atController<T>(
    request: (
      c: KafkaConnection,
    ) => Promise<{ errorCode: number; errorMessage: string | null; body: T }>,
  ): Promise<T> {
    const deadline = Date.now() + RETRY_TIMEOUT_MS;
    for (let backoffMs = 50; ; backoffMs = Math.min(backoffMs * 2, 1000)) {
      let retriable: FjordError;
      try {
        await this.cluster.refreshMetadata();
        const controller = this.cluster.controllerId;
        if (controller < 0) {
          throw new FjordError('the cluster has no controller', ErrorCode.NOT_CONTROLLER);
        }
        const result = await request(await this.cluster.connection(controller));
        if (result.errorCode !== ErrorCode.NOT_CONTROLLER) {
          check(result.errorCode, result.errorMessage, 'controller request');
          return result.body;
        }
        retriable = new FjordError('the controller moved', ErrorCode.NOT_CONTROLLER);
      } catch (err) {
        // A lost connection may be a controller that died: the next one is found by Metadata.
        const moved =
          err instanceof NetworkError ||
          (err instanceof FjordError && err.code === ErrorCode.NOT_CONTROLLER);
        if (!moved) throw err;
        retriable = err;
      }
      if (Date.now() + backoffMs > deadline) throw retriable;
      await sleep(backoffMs);
    }
  }
}

function outcome(
  topic: string,
  partition: number,
  errorCode: number,
  errorMessage: string | null,
  what: string,
): PartitionOutcome {
  if (errorCode === ErrorCode.NONE) return { topic, partition };
  const message = `${what} for ${topic}-${partition}: ${errorName(errorCode)}${errorMessage ? ` (${errorMessage})` : ''}`;
  return { topic, partition, error: new FjordError(message, errorCode as ErrorCode) };
}
