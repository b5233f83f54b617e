import * as fs from 'node:fs';
import * as path from 'node:path';

import { writeFileAtomic } from '../log/file-io.js';
import { assert } from '../util/assert.js';
import { StorageError } from '../util/errors.js';
import type { ProducerIdAllocator } from './broker-context.js';

/** The file in the data folder that remembers the next unreserved block of producer ids. */
export const PRODUCER_ID_FILE = 'producer-id-block.json';

/** Ids reserved per write, as Kafka's controller hands them out (blocks of 1000). */
export const DEFAULT_PRODUCER_ID_BLOCK_SIZE = 1000;

/** Options of {@link FileProducerIdAllocator}. */
export interface FileProducerIdAllocatorOptions {
  /** Ids reserved per file write; default 1000. */
  readonly blockSize?: number;
}

function readNextBlockStart(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new StorageError(`cannot read ${file}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StorageError(`${file} is not JSON`, { cause: err });
  }
  const next = (parsed as { nextBlockStart?: unknown } | null)?.nextBlockStart;
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 0) {
    // Guessing here could hand out an id twice: refuse to start instead.
    throw new StorageError(`${file} holds no valid nextBlockStart`);
  }
  return next;
}

/**
 * Producer ids for a single broker, unique across restarts and crashes: ids are reserved in
 * blocks, and a block is written (atomically, fsynced) to `producer-id-block.json` before any id
 * in it is handed out. A crash loses at most the rest of a block, never reuses an id.
 *
 * @example
 * ```ts
 * const ids = new FileProducerIdAllocator('/data');
 * const producerId = ids.next();
 * ```
 */
export class FileProducerIdAllocator implements ProducerIdAllocator {
  private readonly file: string;
  private readonly blockSize: number;
  private nextId: number;
  private blockEnd: number;

  constructor(dataDir: string, options: FileProducerIdAllocatorOptions = {}) {
    this.blockSize = options.blockSize ?? DEFAULT_PRODUCER_ID_BLOCK_SIZE;
    assert(
      Number.isSafeInteger(this.blockSize) && this.blockSize > 0,
      'producer id block size must be a positive integer',
    );
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, PRODUCER_ID_FILE);
    this.nextId = readNextBlockStart(this.file);
    this.blockEnd = this.nextId;
  }

  next(): number {
    if (this.nextId >= this.blockEnd) {
      const blockEnd = this.nextId + this.blockSize;
      if (!Number.isSafeInteger(blockEnd)) throw new StorageError('producer ids exhausted');
      writeFileAtomic(this.file, JSON.stringify({ nextBlockStart: blockEnd }));
      this.blockEnd = blockEnd;
    }
    return this.nextId++;
  }
}
