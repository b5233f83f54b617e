/**
 * The one thing the coordinator reads inside a consumer's opaque protocol metadata: the topics it
 * subscribes to. OffsetDelete refuses to delete offsets of topics a live consumer group still
 * subscribes to, and offsets of a stable group expire only for topics it no longer reads.
 *
 * ```
 * ConsumerProtocolSubscription v0-3  version:int16 topics:[string] userData:bytes? …
 * ```
 * Every version starts with the topic list, so the rest is never read.
 */
import { ByteReader, DecodeError } from '../../protocol/byte-reader.js';
import { ErrorCode } from '../../util/error-codes.js';

/** Kafka's protocol type of consumer groups. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The topics in a consumer subscription, or undefined for bytes that are not one. */
export function subscriptionTopics(metadata: Buffer): string[] | undefined {
  const r = new ByteReader(metadata, 0, metadata.length, ErrorCode.CORRUPT_MESSAGE);
  try {
    if (r.readInt16() < 0) return undefined;
    const count = r.readInt32();
    // Each topic takes at least its 2-byte length: a count beyond that is garbage.
    if (count < 0 || count * 2 > r.remaining) return undefined;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = r.readInt16();
      if (length < 0) return undefined;
      topics.push(r.readUtf8(length));
    }
    return topics;
  } catch (err) {
    if (err instanceof DecodeError) return undefined;
    throw err;
  }
}
