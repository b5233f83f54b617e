/**
 * Where a record goes when the caller names no partition (kafka-protocol.md §6):
 * - a keyed record: Java's default, `toPositive(murmur2(key)) % partitionCount` over all
 *   partitions, so keys land where Java (and kafkajs) producers put them;
 * - a null key: KIP-794's sticky partitioner. Records stick to one partition until `batch.size`
 *   bytes went to it, so they fill whole batches, then a new partition is drawn uniformly at random
 *   from those with a leader (it may be the same one again).
 */
import { partitionForKey } from '../../util/murmur2.js';

/** A topic's partitions as the partitioner needs them: number and leader (-1 when none). */
export type PartitionLeaders = readonly { readonly partition: number; readonly leader: number }[];

interface Sticky {
  partition: number;
  bytes: number;
}

/**
 * The producer's partitioner; see the module comment. `random` returns numbers in [0, 1).
 *
 * @example
 * ```ts
 * const partitioner = new Partitioner(16384);
 * const p = partitioner.partition('orders', partitions, Buffer.from('user-42'), 120);
 * ```
 */
export class Partitioner {
  private readonly sticky = new Map<string, Sticky>();

  constructor(
    private readonly batchSize: number,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The partition for a record of `sizeBytes` with `key`, among `partitions` (non-empty, sorted
   * by number). A null-key record counts towards the sticky partition's bytes.
   */
  partition(
    topic: string,
    partitions: PartitionLeaders,
    key: Uint8Array | null,
    sizeBytes: number,
  ): number {
    if (key !== null) return partitionForKey(key, partitions.length);
    let sticky = this.sticky.get(topic);
    if (
      sticky === undefined ||
      sticky.bytes >= this.batchSize ||
      sticky.partition >= partitions.length
    ) {
      sticky = { partition: this.pick(partitions), bytes: 0 };
      this.sticky.set(topic, sticky);
    }
    sticky.bytes += sizeBytes;
    return sticky.partition;
  }

  private pick(partitions: PartitionLeaders): number {
    let available = 0;
    for (const p of partitions) if (p.leader >= 0) available++;
    const from = available > 0 ? available : partitions.length;
    let n = Math.min(from - 1, Math.floor(this.random() * from));
    for (const p of partitions) {
      if (available > 0 && p.leader < 0) continue;
      if (n-- === 0) return p.partition;
    }
    return partitions[0]?.partition ?? 0;
  }
}
