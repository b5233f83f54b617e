/**
 * The `dropped-records` metric of windowed operators: late records (and records without a key
 * or value) each operator dropped, by processor and task. One counter per topology, shared by
 * every runner of it; {@link droppedRecordsOf} finds it.
 */

/**
 * Counts of dropped records, by processor and task (Kafka Streams' `dropped-records` sensor).
 *
 * @example
 * ```ts
 * const dropped = droppedRecordsOf(topology);
 * dropped.total; // every record dropped so far
 * dropped.byProcessor(); // { 'counts@1_0': 3 }
 * ```
 */
export class DroppedRecords {
  private readonly counts = new Map<string, number>();

  /** Every late record dropped so far. */
  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** Counts keyed `<processor>@<task>`. */
  byProcessor(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Counts one record dropped by `processor` in `task`. */
  record(processor: string, task: string): void {
    const id = `${processor}@${task}`;
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }
}

const counters = new WeakMap<object, DroppedRecords>();

/**
 * The dropped-records counter of `topology` (created on first use).
 *
 * @example
 * ```ts
 * expect(droppedRecordsOf(builder.build()).total).toBe(1);
 * ```
 */
export function droppedRecordsOf(topology: object): DroppedRecords {
  let c = counters.get(topology);
  if (c === undefined) {
    c = new DroppedRecords();
    counters.set(topology, c);
  }
  return c;
}
