/**
 * A streams app's life cycle, as Kafka Streams' `KafkaStreams.State`:
 *
 * ```
 * CREATED → REBALANCING ⇄ RUNNING → PENDING_SHUTDOWN → NOT_RUNNING
 *     └──────────┴──────────┴──→ ERROR → PENDING_SHUTDOWN
 * ```
 */
import type { Logger } from '../../core/index.js';

/**
 * The states of a {@link StreamsApp}.
 *
 * @example
 * ```ts
 * const ready: StreamsState[] = ['RUNNING'];
 * if (ready.includes(app.state)) console.log('processing');
 * ```
 */
export type StreamsState =
  'CREATED' | 'REBALANCING' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'NOT_RUNNING' | 'ERROR';

/**
 * Called on every state change; `error` is set when the app entered `ERROR`.
 *
 * @example
 * ```ts
 * const listener: StateListener = (next, previous, error) => {
 *   console.log(`${previous} → ${next}`, error?.message ?? '');
 * };
 * ```
 */
export type StateListener = (next: StreamsState, previous: StreamsState, error?: Error) => void;

const NEXT: Readonly<Record<StreamsState, readonly StreamsState[]>> = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  REBALANCING: ['RUNNING', 'PENDING_SHUTDOWN', 'ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  ERROR: ['PENDING_SHUTDOWN'],
};

/** The current state, its legal moves and the listeners. */
export class StreamsStateMachine {
  private current: StreamsState = 'CREATED';
  private readonly listeners = new Set<StateListener>();

  constructor(private readonly logger: Logger) {}

  get state(): StreamsState {
    return this.current;
  }

  /** Whether `next` may follow the current state. */
  canMoveTo(next: StreamsState): boolean {
    return NEXT[this.current].includes(next);
  }

  /**
   * Moves to `next` and tells the listeners; returns false (and stays) when the move is not
   * legal or the state is already `next`.
   */
  moveTo(next: StreamsState, error?: Error): boolean {
    if (!this.canMoveTo(next)) return false;
    const previous = this.current;
    this.current = next;
    this.logger.info({ from: previous, to: next }, 'state changed');
    for (const listener of [...this.listeners]) {
      try {
        listener(next, previous, error);
      } catch (err) {
        this.logger.warn({ err }, 'state listener threw');
      }
    }
    return true;
  }

  /** Adds a listener; the returned function removes it. */
  listen(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
