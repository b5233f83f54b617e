/**
 * The broker's side of ElectLeaders and of partition reassignments: it reads a partition's state
 * from the cluster view, computes the change (replica-changes.ts) and writes it with a
 * compare-and-swap as the controller, retrying over a fresh state when another change won the
 * race. A single broker has nothing to move, so it answers from the same rules without writing.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { ClusterView, PartitionState } from './cluster-view.js';
import {
  cancelReassignment,
  electLeader,
  isReassigning,
  startReassignment,
  type ElectionType,
} from './replica-changes.js';

/**
 * Writes `next` over `expected` when the stored state is still `expected`, as the controller.
 * False when it changed meanwhile (or this broker stopped being the controller).
 */
export type PartitionWriter = (
  topic: string,
  partition: number,
  expected: PartitionState,
  next: PartitionState,
) => Promise<boolean>;

/** A running reassignment, as ListPartitionReassignments reports it. */
export interface OngoingReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
  readonly addingReplicas: readonly number[];
  readonly removingReplicas: readonly number[];
}

/** What {@link ReplicaAdmin} needs of its store. */
export interface ReplicaAdminPort {
  readonly view: ClusterView;
  /** Whether this broker is the controller, the only one that may make these changes. */
  isController(): boolean;
  /** Every partition the store knows, for listing. */
  partitions(): Iterable<readonly [topic: string, partition: number, state: PartitionState]>;
  /** Undefined for a store that never has anything to write (a single broker). */
  readonly write?: PartitionWriter;
}

/** Attempts before a change that keeps losing compare-and-swap races gives up (retriable). */
const MAX_ATTEMPTS = 5;

/** See the module comment. */
export class ReplicaAdmin {
  constructor(private readonly port: ReplicaAdminPort) {}

  /** Whether this broker may serve ElectLeaders and reassignments (it is the controller). */
  get isController(): boolean {
    return this.port.isController();
  }

  /**
   * Elects a leader for one partition; resolves once the new state is stored.
   *
   * @throws FjordError with the partition's Kafka error code (see replica-changes.ts).
   */
  electLeader(topic: string, partition: number, type: ElectionType): Promise<void> {
    return this.change(topic, partition, (state, live) => electLeader(state, type, live));
  }

  /**
   * Starts (or replaces) the reassignment of one partition to `target`, or with null cancels the
   * running one. Resolves once the change is stored; the controller completes it later.
   */
  reassign(topic: string, partition: number, target: readonly number[] | null): Promise<void> {
    const registered = new Set(this.port.view.liveBrokers().map((b) => b.nodeId));
    return this.change(topic, partition, (state, live) =>
      target === null
        ? cancelReassignment(state, live)
        : startReassignment(state, target, registered, live),
    );
  }

  /** The running reassignments, ordered by topic and partition. */
  reassignments(): OngoingReassignment[] {
    const out: OngoingReassignment[] = [];
    for (const [topic, partition, state] of this.port.partitions()) {
      if (!isReassigning(state)) continue;
      out.push({
        topic,
        partition,
        replicas: state.replicas,
        addingReplicas: state.addingReplicas ?? [],
        removingReplicas: state.removingReplicas ?? [],
      });
    }
    return out.sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    );
  }

  private async change(
    topic: string,
    partition: number,
    decide: (state: PartitionState, live: ReadonlySet<number>) => PartitionState | undefined,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!this.port.isController()) {
        throw new FjordError('This broker is not the controller.', ErrorCode.NOT_CONTROLLER);
      }
      const state = this.port.view.partitionState(topic, partition);
      if (state === undefined) {
        throw new FjordError(
          `Partition ${topic}-${partition} does not exist.`,
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        );
      }
      const live = new Set(this.port.view.liveBrokers().map((b) => b.nodeId));
      const next = decide(state, live);
      if (next === undefined) return;
      const write = this.port.write;
      if (write === undefined) {
        throw new FjordError('A single broker cannot move partitions.', ErrorCode.INVALID_REQUEST);
      }
      if (await write(topic, partition, state, next)) return;
    }
    throw new FjordError(
      `Partition ${topic}-${partition} kept changing; retry.`,
      ErrorCode.REQUEST_TIMED_OUT,
    );
  }
}
