/**
 * An invariant that must hold; a failure is a bug in fjord, never bad input. Bad input gets a
 * typed error with a Kafka error code instead. Never catch these.
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Raised when an internal invariant is broken. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(`invariant broken: ${message}`);
    this.name = 'AssertionError';
  }
}
