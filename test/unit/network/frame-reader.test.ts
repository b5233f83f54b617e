import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSizeError } from '../../../core/network/errors.js';
import {
  FrameReader,
  MIN_REQUEST_FRAME_BYTES,
  MIN_RESPONSE_FRAME_BYTES,
} from '../../../core/network/frame-reader.js';
import { fcSeed } from '../../helpers/fc-seed.js';

const MAX = 1024;

/** A size-prefixed frame whose body is `bytes` counting up from `seed`. */
function frame(bodyBytes: number, seed = 0): Buffer {
  const out = Buffer.alloc(4 + bodyBytes);
  out.writeInt32BE(bodyBytes, 0);
  for (let i = 0; i < bodyBytes; i++) out[4 + i] = (seed + i) & 0xff;
  return out;
}

function sizePrefix(size: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32BE(size, 0);
  return out;
}

/** Pushes each chunk and collects every frame, as a socket consumer would. */
function readAll(reader: FrameReader, chunks: readonly Buffer[]): Buffer[] {
  const frames: Buffer[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    frames.push(...drain(reader));
  }
  return frames;
}

/** Every complete frame the reader holds. */
function drain(reader: FrameReader): Buffer[] {
  const frames: Buffer[] = [];
  for (let f = reader.next(); f !== null; f = reader.next()) frames.push(Buffer.from(f));
  return frames;
}

function bodies(frames: readonly Buffer[]): Buffer[] {
  return frames.map((f) => f.subarray(4));
}

describe('FrameReader', () => {
  const stream = [frame(8, 1), frame(37, 2), frame(8, 3), frame(300, 4)];
  const whole = Buffer.concat(stream);

  it('yields the same frames whatever byte the stream is split at', () => {
    for (let cut = 0; cut <= whole.length; cut++) {
      const reader = new FrameReader({ maxFrameBytes: MAX });
      const frames = readAll(reader, [whole.subarray(0, cut), whole.subarray(cut)]);
      expect(frames, `cut at ${cut}`).toEqual(bodies(stream));
      expect(reader.bufferedBytes).toBe(0);
    }
  });

  it('yields the same frames when fed one byte at a time', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    const chunks = [...whole].map((b) => Buffer.from([b]));
    expect(readAll(reader, chunks)).toEqual(bodies(stream));
  });

  it('yields every frame of a chunk that holds several, as views of that chunk', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    reader.push(whole);
    const frames: Buffer[] = [];
    for (let f = reader.next(); f !== null; f = reader.next()) frames.push(f);
    expect(frames).toEqual(bodies(stream));
    for (const f of frames) expect(f.buffer).toBe(whole.buffer);
  });

  it('holds a partial frame until its last byte arrives', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    const f = frame(20);
    reader.push(f.subarray(0, 23));
    expect(reader.next()).toBeNull();
    expect(reader.bufferedBytes).toBe(23);
    reader.push(f.subarray(23));
    expect(reader.next()).toEqual(f.subarray(4));
    expect(reader.next()).toBeNull();
  });

  it('leaves frames in the reader while the consumer stops pulling (backpressure)', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    reader.push(whole);
    expect(reader.next()).toEqual(stream[0]!.subarray(4));
    expect(reader.bufferedBytes).toBe(whole.length - stream[0]!.length);
    expect(drain(reader)).toEqual(bodies(stream.slice(1)));
  });

  it('refuses an oversize frame as soon as its 4 size bytes arrive', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    let error: unknown;
    try {
      reader.push(sizePrefix(MAX + 1));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FrameSizeError);
    expect((error as FrameSizeError).declaredBytes).toBe(MAX + 1);
    expect((error as FrameSizeError).maxFrameBytes).toBe(MAX);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('refuses an oversize frame whose size prefix is split across chunks', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    const prefix = sizePrefix(0x7fffffff);
    reader.push(prefix.subarray(0, 2));
    expect(reader.next()).toBeNull();
    expect(() => {
      reader.push(prefix.subarray(2));
    }).toThrow(FrameSizeError);
  });

  it('refuses an oversize frame that follows a good one in the same chunk', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    reader.push(Buffer.concat([frame(8), sizePrefix(MAX + 1)]));
    expect(() => reader.next()).toThrow(FrameSizeError);
  });

  it('accepts exactly maxFrameBytes', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    expect(readAll(reader, [frame(MAX)])).toEqual([frame(MAX).subarray(4)]);
  });

  it('refuses a negative size', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    expect(() => {
      reader.push(sizePrefix(-1));
    }).toThrow(FrameSizeError);
  });

  it('refuses a request frame too small to hold api key, version and correlation id', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    expect(() => {
      reader.push(sizePrefix(MIN_REQUEST_FRAME_BYTES - 1));
    }).toThrow(FrameSizeError);
    expect(readAll(new FrameReader({ maxFrameBytes: MAX }), [frame(8)])).toHaveLength(1);
  });

  it('takes a smaller minimum for response frames', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX, minFrameBytes: MIN_RESPONSE_FRAME_BYTES });
    expect(readAll(reader, [frame(4)])).toEqual([frame(4).subarray(4)]);
    expect(() => {
      reader.push(sizePrefix(3));
    }).toThrow(FrameSizeError);
  });

  it('stays failed after refusing a size', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    expect(() => {
      reader.push(sizePrefix(-5));
    }).toThrow(FrameSizeError);
    expect(() => {
      reader.push(frame(8));
    }).toThrow(FrameSizeError);
    expect(() => reader.next()).toThrow(FrameSizeError);
  });

  it('ignores empty chunks', () => {
    const reader = new FrameReader({ maxFrameBytes: MAX });
    expect(readAll(reader, [Buffer.alloc(0), frame(8), Buffer.alloc(0)])).toHaveLength(1);
  });

  it('reassembles any stream cut into any chunks (property)', () => {
    const arb = fc.record({
      sizes: fc.array(fc.integer({ min: 8, max: 200 }), { minLength: 1, maxLength: 20 }),
      cuts: fc.array(fc.nat(), { maxLength: 40 }),
    });
    fc.assert(
      fc.property(arb, ({ sizes, cuts }) => {
        const frames = sizes.map((n, i) => frame(n, i));
        const all = Buffer.concat(frames);
        const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let from = 0;
        for (const p of [...points, all.length]) {
          chunks.push(all.subarray(from, p));
          from = p;
        }
        const reader = new FrameReader({ maxFrameBytes: 200 });
        expect(readAll(reader, chunks)).toEqual(bodies(frames));
        expect(reader.bufferedBytes).toBe(0);
      }),
      { seed: fcSeed('frame-reader reassembly'), numRuns: 200 },
    );
  });
});
