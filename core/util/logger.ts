import { pino } from 'pino';

/** The structured-logging surface fjord's code uses: pino's, narrowed so tests can pass a fake. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * A JSON logger on stderr; the level comes from `FJORD_LOG_LEVEL` (default `info`).
 *
 * @example
 * ```ts
 * const log = createLogger('broker');
 * log.info({ port: 9092 }, 'listening');
 * ```
 */
export function createLogger(name: string, level = process.env.FJORD_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level }, pino.destination(2));
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
