import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Serdes, SerdeError } from '../../../../streams/serde/index.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

const seed = fcSeed('nullable serde');
const ctx = { topic: 'balances' };

describe('Serdes.nullable', () => {
  it('maps null to null bytes and null bytes to null', () => {
    const serde = Serdes.nullable(Serdes.int64());
    expect(serde.serialize(null, ctx)).toBeNull();
    expect(serde.deserialize(null, ctx)).toBeNull();
  });

  it('round-trips values and nulls alike', () => {
    const serde = Serdes.nullable(Serdes.string());
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: null }), (value) => {
        expect(serde.deserialize(serde.serialize(value, ctx), ctx)).toBe(value);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('writes exactly the inner serde’s bytes for a value', () => {
    expect(Serdes.nullable(Serdes.int32()).serialize(1, ctx)).toEqual(Buffer.from([0, 0, 0, 1]));
  });

  it('keeps the inner serde’s errors for bad bytes', () => {
    const serde = Serdes.nullable(Serdes.int32());
    expect(() => serde.deserialize(Buffer.alloc(2), ctx)).toThrow(SerdeError);
  });

  it('turns a JSON null into a tombstone, and reads the bytes `null` back as null', () => {
    const serde = Serdes.nullable(Serdes.json<{ a: number } | null>());
    expect(serde.serialize(null, ctx)).toBeNull();
    expect(serde.deserialize(Buffer.from('null'), ctx)).toBeNull();
  });

  it('is named after the serde it wraps', () => {
    expect(Serdes.nullable(Serdes.json()).name).toBe('nullable(json)');
  });
});
