/**
 * Which `__consumer_offsets` partition holds a group: Kafka's
 * `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`, so a group lands on the same
 * partition as on a Kafka broker and a copied offsets topic keeps working.
 */

/**
 * Java's `String.hashCode()`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, in 32-bit
 * wrapping arithmetic. JavaScript strings are UTF-16 too, so `charCodeAt` gives Java's `char`s
 * (a character outside the BMP counts as its two surrogates in both languages).
 *
 * @example
 * ```ts
 * javaStringHashCode('group'); // 98629247
 * ```
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Kafka's `Utils.abs`: `Math.abs`, except that Integer.MIN_VALUE (whose absolute value does not
 * fit an int) maps to 0 rather than staying negative.
 */
export function javaAbs(n: number): number {
  return n === -2_147_483_648 ? 0 : Math.abs(n);
}

/**
 * The `__consumer_offsets` partition of `groupId` among `partitionCount` partitions.
 *
 * @example
 * ```ts
 * groupPartition('my-group', 50);
 * ```
 */
export function groupPartition(groupId: string, partitionCount: number): number {
  return javaAbs(javaStringHashCode(groupId)) % partitionCount;
}
