import { describe, expect, it } from 'vitest';

import { Serdes, SerdeError } from '../../../../streams/index.js';
import { timestampedSerde } from '../../../../streams/operators/windows/timestamped.js';
import { WindowedSerdes } from '../../../../streams/operators/windows/windowed-serde.js';

const ctx = { topic: 't' };

describe('WindowedSerdes', () => {
  it("writes Kafka's time-windowed key: key bytes then the 8-byte start", () => {
    const serde = WindowedSerdes.timeWindowed(Serdes.string(), 60_000);
    const key = { key: 'ab', window: { startMs: 120_000, endMs: 180_000 } };
    const bytes = serde.serialize(key, ctx);
    expect(bytes?.toString('hex')).toBe('6162' + '000000000001d4c0');
    expect(serde.deserialize(bytes, ctx)).toEqual(key);
  });

  it("writes Kafka's session-windowed key: key bytes, end, then start", () => {
    const serde = WindowedSerdes.sessionWindowed(Serdes.string());
    const key = { key: 'a', window: { startMs: 1, endMs: 2 } };
    const bytes = serde.serialize(key, ctx);
    expect(bytes?.toString('hex')).toBe('61' + '0000000000000002' + '0000000000000001');
    expect(serde.deserialize(bytes, ctx)).toEqual(key);
  });

  it('refuses bytes too short for the window with a SerdeError', () => {
    expect(() =>
      WindowedSerdes.timeWindowed(Serdes.string(), 1).deserialize(Buffer.alloc(3), ctx),
    ).toThrow(SerdeError);
    expect(() => WindowedSerdes.sessionWindowed(Serdes.string()).deserialize(null, ctx)).toThrow(
      SerdeError,
    );
  });

  it('keeps an aggregate with its timestamp as Kafka timestamped stores do', () => {
    const serde = timestampedSerde(Serdes.int32());
    const bytes = serde.serialize({ value: 7, timestampMs: 5 }, ctx);
    expect(bytes?.toString('hex')).toBe('0000000000000005' + '00000007');
    expect(serde.deserialize(bytes, ctx)).toEqual({ value: 7, timestampMs: 5 });
    expect(() => serde.deserialize(Buffer.alloc(2), ctx)).toThrow(SerdeError);
  });
});
