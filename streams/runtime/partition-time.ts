/**
 * Stream time across task moves: each input partition's partition time (the largest event time
 * the task took from it) travels in the metadata string of the partition's committed offset, so
 * the task's next owner, or the task after a restart, starts from the stream time it had
 * reached instead of from -1. Without it a window that was due to close would stay open (and a
 * suppressed final result would wait) until records catch up with the old stream time again.
 *
 * The string is `fjord-pt:v1:<ms>`: versioned, so its format can change, and recognisable, so a
 * commit made by another tool (empty metadata, anything else) is ignored rather than misread.
 */

const PREFIX = 'fjord-pt:v1:';

/**
 * The metadata committed with an input partition's offset, for partition time `ms`; empty
 * before the partition's first record.
 *
 * @example
 * ```ts
 * encodePartitionTime(1_700_000_000_000); // 'fjord-pt:v1:1700000000000'
 * ```
 */
export function encodePartitionTime(ms: number): string {
  return ms < 0 ? '' : `${PREFIX}${ms}`;
}

/**
 * The partition time in committed metadata, undefined when the metadata holds none (no
 * commit, a commit by another tool, or a corrupt value).
 *
 * @example
 * ```ts
 * decodePartitionTime('fjord-pt:v1:42'); // 42
 * decodePartitionTime(''); // undefined
 * ```
 */
export function decodePartitionTime(metadata: string | undefined): number | undefined {
  if (metadata?.startsWith(PREFIX) !== true) return undefined;
  const ms = Number(metadata.slice(PREFIX.length));
  return Number.isSafeInteger(ms) && ms >= 0 ? ms : undefined;
}
