/**
 * Serdes of windowed keys in Kafka Streams' formats, so Java consumers (and `kafka-console-
 * consumer` with `TimeWindowedDeserializer`) read fjord's windowed output: a time-windowed key
 * is the key's bytes then the window start (8 bytes, big-endian); a session-windowed key is the
 * key's bytes, the session end, then its start. The time-windowed bytes carry no end, so the
 * deserializer needs the window size.
 */
import type { Serde, SerdeContext } from '../../serde/index.js';
import { SerdeError } from '../../serde/index.js';
import type { Windowed } from '../../state/state-store.js';

const TS = 8;

function keyOf<K>(inner: Serde<K>, name: string, data: K, ctx: SerdeContext): Buffer {
  const bytes = inner.serialize(data, ctx);
  if (bytes === null)
    throw new SerdeError('the key serialized to null', { serde: name, topic: ctx.topic });
  return bytes;
}

function need(name: string, data: Buffer | null, bytes: number, ctx: SerdeContext): Buffer {
  if (data === null || data.length < bytes)
    throw new SerdeError(`expected at least ${bytes} bytes, got ${data?.length ?? 'null'}`, {
      serde: name,
      topic: ctx.topic,
    });
  return data;
}

/**
 * Serdes of {@link Windowed} keys.
 *
 * @example
 * ```ts
 * const keys = WindowedSerdes.timeWindowed(Serdes.string(), 60_000);
 * driver.createOutputTopic('counts', keys, Serdes.int64()).readKeyValue();
 * // [{ key: 'user-1', window: { startMs: 0, endMs: 60000 } }, 3]
 * ```
 */
export const WindowedSerdes = {
  /** Key bytes, then the window start; the end is start + `windowSizeMs`. */
  timeWindowed<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
    const name = `timeWindowed(${inner.name})`;
    return {
      name,
      serialize(data, ctx) {
        const key = keyOf(inner, name, data.key, ctx);
        const out = Buffer.allocUnsafe(key.length + TS);
        key.copy(out, 0);
        out.writeBigInt64BE(BigInt(data.window.startMs), key.length);
        return out;
      },
      deserialize(data, ctx) {
        const bytes = need(name, data, TS, ctx);
        const startMs = Number(bytes.readBigInt64BE(bytes.length - TS));
        const key = inner.deserialize(bytes.subarray(0, bytes.length - TS), ctx);
        return { key, window: { startMs, endMs: startMs + windowSizeMs } };
      },
    };
  },
  /** Key bytes, then the session end, then its start. */
  sessionWindowed<K>(inner: Serde<K>): Serde<Windowed<K>> {
    const name = `sessionWindowed(${inner.name})`;
    return {
      name,
      serialize(data, ctx) {
        const key = keyOf(inner, name, data.key, ctx);
        const out = Buffer.allocUnsafe(key.length + 2 * TS);
        key.copy(out, 0);
        out.writeBigInt64BE(BigInt(data.window.endMs), key.length);
        out.writeBigInt64BE(BigInt(data.window.startMs), key.length + TS);
        return out;
      },
      deserialize(data, ctx) {
        const bytes = need(name, data, 2 * TS, ctx);
        const at = bytes.length - 2 * TS;
        const endMs = Number(bytes.readBigInt64BE(at));
        const startMs = Number(bytes.readBigInt64BE(at + TS));
        return { key: inner.deserialize(bytes.subarray(0, at), ctx), window: { startMs, endMs } };
      },
    };
  },
} as const;
