import type { OffsetsLog, OffsetsRecord } from '../../core/broker/group/offsets-log.js';
import { ErrorCode } from '../../core/util/error-codes.js';

/**
 * An in-memory `__consumer_offsets` for coordinator unit tests: appends can be made to fail, and
 * reads can be held back to observe a coordinator that is still loading.
 */
export class MemoryOffsetsLog implements OffsetsLog {
  readonly partitions: OffsetsRecord[][];
  created: boolean;
  /** When set, every append fails with this code and stores nothing. */
  failAppends: ErrorCode | undefined;
  /** Appends made (successful ones), as [partition, record count]. */
  readonly appends: [number, number][] = [];
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  constructor(
    private readonly count = 4,
    options: { readonly created?: boolean } = {},
  ) {
    this.partitions = Array.from({ length: count }, () => []);
    this.created = options.created ?? false;
  }

  partitionCount(): number {
    return this.count;
  }

  exists(): boolean {
    return this.created;
  }

  ensureTopic(): ErrorCode {
    this.created = true;
    return ErrorCode.NONE;
  }

  append(partition: number, records: readonly OffsetsRecord[]): ErrorCode {
    if (this.failAppends !== undefined) return this.failAppends;
    const target = this.partitions[partition];
    if (target === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.created = true;
    for (const r of records) {
      target.push({
        key: Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
      });
    }
    this.appends.push([partition, records.length]);
    return ErrorCode.NONE;
  }

  async *read(partition: number): AsyncGenerator<readonly OffsetsRecord[]> {
    if (this.gate !== undefined) await this.gate;
    yield [...(this.partitions[partition] ?? [])];
  }

  /** Holds every read until {@link MemoryOffsetsLog.releaseReads}. */
  holdReads(): void {
    this.gate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  releaseReads(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  /** Every record stored, all partitions. */
  all(): OffsetsRecord[] {
    return this.partitions.flat();
  }
}
