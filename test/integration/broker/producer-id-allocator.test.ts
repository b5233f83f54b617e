import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  FileProducerIdAllocator,
  PRODUCER_ID_FILE,
} from '../../../core/broker/producer-id-allocator.js';
import { StorageError } from '../../../core/util/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

describe('FileProducerIdAllocator', () => {
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('fjord-pid-'));
  });
  afterEach(() => {
    cleanup();
  });

  function reserved(): unknown {
    return JSON.parse(fs.readFileSync(path.join(dir, PRODUCER_ID_FILE), 'utf8'));
  }

  it('hands out dense ids from 0, reserving a block on disk before using it', () => {
    const ids = new FileProducerIdAllocator(dir, { blockSize: 4 });
    expect(fs.existsSync(path.join(dir, PRODUCER_ID_FILE))).toBe(false);
    expect([ids.next(), ids.next()]).toEqual([0, 1]);
    expect(reserved()).toEqual({ nextBlockStart: 4 });
    expect([ids.next(), ids.next(), ids.next()]).toEqual([2, 3, 4]);
    expect(reserved()).toEqual({ nextBlockStart: 8 });
  });

  it('never reuses an id after a crash: the rest of the block is skipped', () => {
    const before = new FileProducerIdAllocator(dir, { blockSize: 1000 });
    const handedOut = [before.next(), before.next(), before.next()];
    // No close: whatever was in memory is lost.
    const after = new FileProducerIdAllocator(dir, { blockSize: 1000 });
    const next = after.next();
    expect(handedOut).not.toContain(next);
    expect(next).toBe(1000);
  });

  it('refuses to start on a damaged file rather than guess', () => {
    fs.writeFileSync(path.join(dir, PRODUCER_ID_FILE), '{"nextBlockStart": -3}');
    expect(() => new FileProducerIdAllocator(dir)).toThrow(StorageError);
    fs.writeFileSync(path.join(dir, PRODUCER_ID_FILE), 'not json');
    expect(() => new FileProducerIdAllocator(dir)).toThrow(StorageError);
  });
});
