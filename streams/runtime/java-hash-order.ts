/**
 * The iteration order of a Java `HashSet<String>` built from a list, so printed sets (the topics
 * of a source in a topology description) read exactly as Kafka Streams prints them.
 */

/** Java's `String.hashCode`: `s[0]*31^(n-1) + ... + s[n-1]` over UTF-16 units, in 32 bits. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * `items` in the order `new HashSet<>(items)` iterates them: by bucket (the spread hash masked
 * by the table size), then by insertion within a bucket; duplicates dropped.
 *
 * @example
 * ```ts
 * javaHashSetOrder(['b', 'a']); // ['a', 'b']
 * ```
 */
export function javaHashSetOrder(items: readonly string[]): string[] {
  const unique = [...new Set(items)];
  let capacity = 1;
  const wanted = Math.max(Math.floor(unique.length / 0.75) + 1, 16);
  while (capacity < wanted) capacity *= 2;
  const bucket = (s: string): number => {
    const h = javaStringHash(s);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return unique
    .map((s, i) => ({ s, i, b: bucket(s) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.s);
}

/** A Java collection's `toString()`: `[a, b, c]`. */
export function javaSetString(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}
