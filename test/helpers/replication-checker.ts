/**
 * Checks a replicated partition after faults, per partition: every acknowledged record present
 * exactly once and in the order it was acknowledged, offsets dense, and the in-sync replicas'
 * logs byte-identical up to the high watermark (compared batch by batch from the segment files).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { batchBaseOffset, batchLastOffset } from '../../core/protocol/records/batch-header.js';
import { iterateBatches } from '../../core/protocol/records/record-batch.js';
import type { StoredValue } from './wire-client.js';

/** One stored batch of a replica's log. */
export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly bytes: Buffer;
}

/** Every batch in `<dataDir>/<topic>-<partition>/*.log`, in offset order. */
export function replicaBatches(dataDir: string, topic: string, partition: number): StoredBatch[] {
  const dir = path.join(dataDir, `${topic}-${partition}`);
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  const out: StoredBatch[] = [];
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(dir, file));
    for (const { pos, size } of iterateBatches(bytes)) {
      const batch = Buffer.from(bytes.subarray(pos, pos + size));
      out.push({
        baseOffset: batchBaseOffset(batch),
        lastOffset: batchLastOffset(batch),
        bytes: batch,
      });
    }
  }
  return out;
}

/** The batches of `batches` wholly below `highWatermark`. */
export function committedBatches(
  batches: readonly StoredBatch[],
  highWatermark: number,
): StoredBatch[] {
  return batches.filter((b) => b.lastOffset < highWatermark);
}

/**
 * Problems between replicas up to `highWatermark`: each replica (by name) must hold exactly the
 * same batches, byte for byte, as the first one. Empty when identical.
 */
export function replicaDivergence(
  replicas: ReadonlyMap<string, readonly StoredBatch[]>,
  highWatermark: number,
): string[] {
  const problems: string[] = [];
  const entries = [...replicas].map(
    ([name, batches]) => [name, committedBatches(batches, highWatermark)] as const,
  );
  const reference = entries[0];
  if (reference === undefined) return problems;
  const [refName, refBatches] = reference;
  const covered = refBatches.at(-1)?.lastOffset ?? -1;
  if (covered + 1 !== highWatermark && highWatermark > 0)
    problems.push(`${refName} holds up to ${covered + 1}, the high watermark is ${highWatermark}`);
  for (const [name, batches] of entries.slice(1)) {
    if (batches.length !== refBatches.length) {
      problems.push(
        `${name} has ${batches.length} batches below ${highWatermark}, ${refName} ${refBatches.length}`,
      );
      continue;
    }
    batches.forEach((b, i) => {
      const ref = refBatches[i];
      if (ref === undefined || !b.bytes.equals(ref.bytes))
        problems.push(`${name} batch ${i} (offset ${b.baseOffset}) differs from ${refName}'s`);
    });
  }
  return problems;
}

/**
 * Problems of a partition read back whole (`stored`) against the values acknowledged to a
 * producer in order (`acked`): offsets must be dense from the first one, no value twice, every
 * acknowledged value present, and acknowledged values in acknowledgement order. Values that were
 * sent but not acknowledged may appear (at most once). Empty when all hold.
 */
export function ackedRecordProblems(
  acked: readonly string[],
  stored: readonly StoredValue[],
): string[] {
  const problems: string[] = [];
  stored.forEach((r, i) => {
    const first = stored[0]?.offset ?? 0;
    if (r.offset !== first + i) problems.push(`offset ${r.offset} at position ${i}: not dense`);
  });
  const seen = new Map<string, number>();
  for (const r of stored) {
    if (seen.has(r.value))
      problems.push(`value ${r.value} twice (offsets ${seen.get(r.value)} and ${r.offset})`);
    seen.set(r.value, r.offset);
  }
  let last = -1;
  for (const value of acked) {
    const offset = seen.get(value);
    if (offset === undefined) {
      problems.push(`acknowledged value ${value} lost`);
      continue;
    }
    if (offset < last) problems.push(`acknowledged value ${value} out of order`);
    last = offset;
  }
  return problems;
}
