/**
 * A partition's leader-epoch history (KIP-101): for every leader epoch, the first offset written
 * in it, persisted in `leader-epoch-checkpoint` beside the segments. It answers "where does epoch
 * E end in this log?" (OffsetsForLeaderEpoch), which is how a returning replica finds where its
 * log diverged from the leader's: by epoch, never by high watermark alone.
 *
 * ```
 * leader-epoch-checkpoint       version, entry count, then one "<epoch> <startOffset>" per line
 * 0
 * 2
 * 0 0
 * 3 1400
 * ```
 *
 * Entries are strictly increasing in both epoch and start offset. A new epoch is written (fsync,
 * rename) before the first batch of that epoch is appended, so after a crash the file never lacks
 * an epoch the log holds; entries past the recovered log end are dropped on open.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { StorageError } from '../util/errors.js';
import { writeFileAtomic } from './file-io.js';

/** The checkpoint's file name in the partition folder. */
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';

/** Kafka's "no epoch" / "no offset" answer. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_OFFSET = -1;

/** One epoch and the first offset written in it. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** An OffsetsForLeaderEpoch answer: the epoch found (≤ the one asked) and where it ends. */
export interface EpochEndOffset {
  readonly leaderEpoch: number;
  readonly endOffset: number;
}

const FORMAT_VERSION = 0;

/** See the module comment. */
export class LeaderEpochCache {
  private entries: EpochEntry[];

  /** In-memory only when `dir` is undefined (tests, simulations). */
  private constructor(
    private readonly file: string | undefined,
    entries: EpochEntry[],
  ) {
    this.entries = entries;
  }

  /** An empty cache that is never persisted. */
  static inMemory(entries: readonly EpochEntry[] = []): LeaderEpochCache {
    return new LeaderEpochCache(undefined, [...entries]);
  }

  /** Reads `dir`'s checkpoint, or starts empty; malformed files are a {@link StorageError}. */
  static open(dir: string): LeaderEpochCache {
    const file = path.join(dir, LEADER_EPOCH_CHECKPOINT);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new LeaderEpochCache(file, []);
      throw new StorageError(`cannot read ${file}: ${String(err)}`, { cause: err });
    }
    return new LeaderEpochCache(file, parseCheckpoint(text, file));
  }

  /** Whether the checkpoint file existed (false: the caller rebuilds from batch headers). */
  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Every entry, oldest first. */
  list(): readonly EpochEntry[] {
    return this.entries;
  }

  /** The newest epoch, or {@link UNDEFINED_EPOCH}. */
  get latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? UNDEFINED_EPOCH;
  }

  /**
   * Records that `epoch` starts at `startOffset` (the base offset of its first batch). An epoch
   * already known, or older than the newest, changes nothing: batches of an old epoch may follow
   * a newer one only on a follower copying history, whose first batch of each epoch came first.
   * Persists before returning when it adds an entry.
   */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0) return;
    const last = this.entries.at(-1);
    if (last !== undefined && epoch <= last.epoch) return;
    // A start offset at or below an existing one means those entries describe truncated data.
    this.entries = this.entries.filter((e) => e.startOffset < startOffset);
    this.entries.push({ epoch, startOffset });
    this.persist();
  }

  /**
   * The end of the largest epoch ≤ `requestedEpoch` in this log whose end is `logEndOffset`:
   * the start offset of the next epoch, or the log end for the newest epoch. Asking for an epoch
   * older than every entry answers `requestedEpoch` with the first entry's start offset; asking
   * for one newer than the newest answers undefined (KIP-279's rules, as Kafka's cache).
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    const undefinedAnswer = { leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedAnswer;
    if (requestedEpoch === this.latestEpoch) {
      return { leaderEpoch: requestedEpoch, endOffset: logEndOffset };
    }
    const higher = this.entries.find((e) => e.epoch > requestedEpoch);
    if (higher === undefined) return undefinedAnswer;
    const floor = this.entries.filter((e) => e.epoch <= requestedEpoch).at(-1);
    return {
      leaderEpoch: floor?.epoch ?? requestedEpoch,
      endOffset: higher.startOffset,
    };
  }

  /** Drops entries starting at or after `endOffset` (the log was truncated to it). */
  truncateFromEnd(endOffset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < endOffset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.persist();
  }

  /**
   * The log start moved to `startOffset`: entries wholly before it go, and the one spanning it
   * now starts there.
   */
  truncateFromStart(startOffset: number): void {
    let changed = false;
    while (this.entries.length > 1 && (this.entries[1]?.startOffset ?? Infinity) <= startOffset) {
      this.entries.shift();
      changed = true;
    }
    const first = this.entries[0];
    if (first !== undefined && first.startOffset < startOffset) {
      this.entries[0] = { epoch: first.epoch, startOffset };
      changed = true;
    }
    if (changed) this.persist();
  }

  /** Forgets everything (the log was emptied and restarts elsewhere). */
  clear(): void {
    if (this.entries.length === 0) return;
    this.entries = [];
    this.persist();
  }

  private persist(): void {
    if (this.file === undefined) return;
    const lines = [String(FORMAT_VERSION), String(this.entries.length)];
    for (const e of this.entries) lines.push(`${e.epoch} ${e.startOffset}`);
    try {
      writeFileAtomic(this.file, `${lines.join('\n')}\n`);
    } catch (err) {
      throw new StorageError(`cannot write ${this.file}: ${String(err)}`, { cause: err });
    }
  }
}

function parseCheckpoint(text: string, file: string): EpochEntry[] {
  const bad = (what: string): StorageError => new StorageError(`${file}: ${what}`);
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== String(FORMAT_VERSION)) throw bad('unknown version');
  const count = Number(lines[1]);
  if (!Number.isSafeInteger(count) || count < 0 || lines.length !== count + 2)
    throw bad('entry count does not match');
  const entries: EpochEntry[] = [];
  for (const line of lines.slice(2)) {
    const [epochText, offsetText, extra] = line.trim().split(/\s+/);
    const epoch = Number(epochText);
    const startOffset = Number(offsetText);
    if (extra !== undefined || !Number.isSafeInteger(epoch) || !Number.isSafeInteger(startOffset))
      throw bad(`malformed entry "${line}"`);
    const last = entries.at(-1);
    if (
      epoch < 0 ||
      startOffset < 0 ||
      (last !== undefined && (epoch <= last.epoch || startOffset <= last.startOffset))
    )
      throw bad(`entries out of order at "${line}"`);
    entries.push({ epoch, startOffset });
  }
  return entries;
}

/**
 * Where a follower must truncate its log, given the leader's answer to OffsetsForLeaderEpoch for
 * the follower's latest epoch (KIP-279): to the smaller of the leader's end offset for the epoch
 * it found and the follower's own end offset for that epoch. When the leader found an older
 * epoch than asked, the follower's own end for that older epoch bounds the truncation too, so
 * history the leader never saw is removed. An undefined answer (the leader has no epoch that
 * old) truncates nothing; the follower then fetches and the leader's log start decides.
 */
export function truncationOffset(
  follower: LeaderEpochCache,
  followerEndOffset: number,
  leaderAnswer: EpochEndOffset,
): number {
  if (leaderAnswer.endOffset === UNDEFINED_OFFSET) return followerEndOffset;
  const own = follower.endOffsetFor(leaderAnswer.leaderEpoch, followerEndOffset);
  const ownEnd = own.endOffset === UNDEFINED_OFFSET ? followerEndOffset : own.endOffset;
  return Math.min(leaderAnswer.endOffset, ownEnd, followerEndOffset);
}
