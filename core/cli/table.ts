/**
 * Formats rows as left-aligned columns separated by at least one space, the way Kafka's tools
 * print tables (`kafka-consumer-groups.sh --describe`). The last column is not padded.
 *
 * @example
 * ```ts
 * formatTable(['GROUP', 'STATE'], [['billing', 'Stable']]);
 * // 'GROUP   STATE\nbilling Stable'
 * ```
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join(' ');
  return [headers, ...rows].map(line).join('\n');
}
