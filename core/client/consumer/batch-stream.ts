/**
 * A consumer's batches as an RxJS Observable: each subscription pulls batches one after the
 * other (the next is asked for once the previous `next` handler returned) and completes when
 * the consumer closes. Unsubscribing cancels the pending pull; a batch taken in the same instant
 * is put back, so nothing is skipped.
 */
import { Observable } from 'rxjs';

import type { ConsumerBatch } from './types.js';

/** Where the batches come from. */
export interface BatchSource {
  poll(signal?: AbortSignal): Promise<ConsumerBatch | undefined>;
  /** Makes a taken but undelivered batch the next one again. */
  unread(batch: ConsumerBatch): void;
}

/**
 * The batches of `source`, pulled one at a time.
 *
 * @example
 * ```ts
 * batchStream(consumer).pipe(take(10)).subscribe((b) => console.log(b.records.length));
 * ```
 */
export function batchStream(source: BatchSource): Observable<ConsumerBatch> {
  return new Observable<ConsumerBatch>((subscriber) => {
    const abort = new AbortController();
    void (async () => {
      try {
        for (;;) {
          const batch = await source.poll(abort.signal);
          if (batch === undefined) break;
          if (abort.signal.aborted) {
            source.unread(batch);
            break;
          }
          subscriber.next(batch);
        }
        subscriber.complete();
      } catch (err) {
        subscriber.error(err);
      }
    })();
    return () => {
      abort.abort();
    };
  });
}
