/**
 * One member of a classic group, as the coordinator tracks it: who it is, the protocols it
 * offered in its last JoinGroup, its assignment, the JoinGroup or SyncGroup request parked until
 * the rebalance answers it, and its session timer.
 */
import { assert } from '../../util/assert.js';
import { ErrorCode } from '../../util/error-codes.js';

/** One protocol (assignor) a member offers, with its metadata (a consumer's subscription). */
export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** A member as the leader sees it in its JoinGroup answer. */
export interface JoinedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Buffer;
}

/** The answer to a JoinGroup. */
export interface JoinResult {
  readonly errorCode: ErrorCode;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** The leader's member id; '' when there is none. */
  readonly leaderId: string;
  readonly memberId: string;
  /** Every member with its metadata for the chosen protocol, for the leader only. */
  readonly members: readonly JoinedMember[];
}

/** The answer to a SyncGroup. */
export interface SyncResult {
  readonly errorCode: ErrorCode;
  readonly assignment: Buffer;
}

/** Nothing assigned. */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/** A JoinGroup answered with an error. */
export function joinError(memberId: string, errorCode: ErrorCode): JoinResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leaderId: '',
    memberId,
    members: [],
  };
}

/** A SyncGroup answered with an error. */
export function syncError(errorCode: ErrorCode): SyncResult {
  return { errorCode, assignment: EMPTY_BYTES };
}

/** What a member is, as it joined. */
export interface MemberInit {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
}

/** See the module comment. */
export class Member {
  /** Changes only when a static member rejoins and replaces its old id. */
  memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly protocolType: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocols: readonly MemberProtocol[];
  assignment: Buffer = EMPTY_BYTES;
  /**
   * A member that joined in this rebalance and never got a generation yet. Its session timer
   * runs even while its JoinGroup is parked (KIP-394), so a client that gave up on a long
   * rebalance does not linger as a member that never answers.
   */
  isNew = false;
  private joinWaiter: ((result: JoinResult) => void) | undefined;
  private syncWaiter: ((result: SyncResult) => void) | undefined;
  private cancelExpiry: (() => void) | undefined;

  constructor(init: MemberInit) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.protocolType = init.protocolType;
    this.protocols = init.protocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== undefined;
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== undefined;
  }

  /**
   * Parks a JoinGroup. A JoinGroup already parked for this member (a client that retried on
   * another connection) is answered REBALANCE_IN_PROGRESS rather than left hanging.
   */
  awaitJoin(waiter: (result: JoinResult) => void): void {
    this.completeJoin(joinError(this.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    this.joinWaiter = waiter;
  }

  /** Parks a SyncGroup; an older parked one is answered REBALANCE_IN_PROGRESS. */
  awaitSync(waiter: (result: SyncResult) => void): void {
    this.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    this.syncWaiter = waiter;
  }

  /** Answers the parked JoinGroup, if any; returns whether there was one. */
  completeJoin(result: JoinResult): boolean {
    const waiter = this.joinWaiter;
    this.joinWaiter = undefined;
    waiter?.(result);
    return waiter !== undefined;
  }

  /** Answers the parked SyncGroup, if any; returns whether there was one. */
  completeSync(result: SyncResult): boolean {
    const waiter = this.syncWaiter;
    this.syncWaiter = undefined;
    waiter?.(result);
    return waiter !== undefined;
  }

  /** Replaces the session timer (`cancel` stops the new one). */
  setExpiry(cancel: () => void): void {
    this.clearExpiry();
    this.cancelExpiry = cancel;
  }

  clearExpiry(): void {
    this.cancelExpiry?.();
    this.cancelExpiry = undefined;
  }

  /** The member's metadata for `protocol`, which it must support. */
  metadata(protocol: string): Buffer {
    const found = this.protocols.find((p) => p.name === protocol);
    assert(found !== undefined, `member ${this.memberId} does not support ${protocol}`);
    return found.metadata;
  }

  /** Whether `protocols` are exactly the ones it joined with (names, order and metadata). */
  matches(protocols: readonly MemberProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => {
        const mine = this.protocols[i];
        return mine?.name === p.name && mine.metadata.equals(p.metadata);
      })
    );
  }
}
