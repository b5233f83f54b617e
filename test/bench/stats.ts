/** Small helpers the benchmarks share: timers, percentiles and aligned output. */

/** Nanosecond timer. */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** Percentiles (in microseconds) of latencies given in nanoseconds. */
export function percentiles(
  samplesNs: Float64Array | number[],
  ps: readonly number[] = [50, 99, 99.9],
): string {
  const sorted = Float64Array.from(samplesNs).sort();
  if (sorted.length === 0) return 'n/a';
  return ps
    .map((p) => {
      const idx = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
      return `p${p}=${((sorted[idx] ?? 0) / 1000).toFixed(1)}µs`;
    })
    .join(' ');
}

/** One result line: records/s and MB/s over an elapsed time. */
export function rate(label: string, records: number, bytes: number, elapsedNs: bigint): string {
  const seconds = Number(elapsedNs) / 1e9;
  const recs = records > 0 ? `${(records / seconds / 1e6).toFixed(2)} M records/s  ` : '';
  return `${label.padEnd(28)} ${recs}${(bytes / seconds / 1e6).toFixed(1)} MB/s  (${seconds.toFixed(2)} s)`;
}

/** What {@link untilProcessed} watches: a StreamsApp. */
interface ProcessingApp {
  readonly state: string;
  readonly error: Error | undefined;
  readonly metrics: { readonly recordsProcessed: number; readonly recordsPending: number };
}

/** Resolves once `app` processed `records` and every output is acknowledged; rejects on ERROR. */
export function untilProcessed(app: ProcessingApp, records: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      const m = app.metrics;
      if (app.state === 'ERROR') {
        clearInterval(check);
        reject(app.error ?? new Error('app failed'));
      } else if (m.recordsProcessed >= records && m.recordsPending === 0) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });
}
