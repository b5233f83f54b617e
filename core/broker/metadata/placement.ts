/**
 * Replica placement for new partitions, after Kafka's assignment rules: leaders round-robin over
 * the brokers from a start index, followers at a shift from their leader that moves every
 * `brokers` partitions (so two brokers do not always follow each other), and with racks the
 * brokers are interleaved rack by rack and a partition takes a broker from every rack before it
 * takes a second one from any rack.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerRegistration } from './cluster-view.js';

/** The brokers in rack-alternating order: r1, r2, r3, r1, r2, ... (ids ascending per rack). */
export function rackAlternated(brokers: readonly BrokerRegistration[]): BrokerRegistration[] {
  const byRack = new Map<string, BrokerRegistration[]>();
  for (const b of [...brokers].sort((x, y) => x.nodeId - y.nodeId)) {
    const rack = b.rack ?? '';
    const list = byRack.get(rack) ?? [];
    list.push(b);
    byRack.set(rack, list);
  }
  const racks = [...byRack.keys()].sort();
  const out: BrokerRegistration[] = [];
  for (let i = 0; out.length < brokers.length; i++) {
    for (const rack of racks) {
      const b = byRack.get(rack)?.[i];
      if (b !== undefined) out.push(b);
    }
  }
  return out;
}

/**
 * Replica lists (node ids, preferred leader first) for partitions `firstPartition` to
 * `firstPartition + count - 1`. `startIndex` picks the first leader; Kafka draws it at random,
 * callers here may too, tests pass a fixed one.
 *
 * @throws FjordError INVALID_REPLICATION_FACTOR when there are fewer brokers than replicas.
 */
export function assignReplicas(
  brokers: readonly BrokerRegistration[],
  count: number,
  replicationFactor: number,
  startIndex: number,
  firstPartition = 0,
): number[][] {
  const n = brokers.length;
  if (replicationFactor < 1 || replicationFactor > n) {
    throw new FjordError(
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${n} broker(s) are registered.`,
      ErrorCode.INVALID_REPLICATION_FACTOR,
    );
  }
  const order = rackAlternated(brokers);
  const rackCount = new Set(order.map((b) => b.rack ?? '')).size;
  const start = ((startIndex % n) + n) % n;
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const p = firstPartition + i;
    const leaderIndex = (start + p) % n;
    // Kafka's follower shift: moves by one every n partitions, so follower sets vary.
    const shift = n > 1 ? Math.floor(p / n) % (n - 1) : 0;
    const leader = order[leaderIndex];
    if (leader === undefined) break;
    const chosen = [leader];
    const racksUsed = new Set([leader.rack ?? '']);
    const candidates: BrokerRegistration[] = [];
    for (let k = 0; k < n - 1; k++) {
      const candidate = order[(leaderIndex + 1 + ((shift + k) % (n - 1))) % n];
      if (candidate !== undefined) candidates.push(candidate);
    }
    while (chosen.length < replicationFactor) {
      // A broker on a rack not used yet, while such racks remain; then any unused broker.
      const allRacksUsed = racksUsed.size >= rackCount;
      const next =
        candidates.find(
          (b) => !chosen.includes(b) && (allRacksUsed || !racksUsed.has(b.rack ?? '')),
        ) ?? candidates.find((b) => !chosen.includes(b));
      if (next === undefined) break;
      chosen.push(next);
      racksUsed.add(next.rack ?? '');
    }
    out.push(chosen.map((b) => b.nodeId));
  }
  return out;
}
