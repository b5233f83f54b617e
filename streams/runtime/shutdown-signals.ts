/**
 * The one place the runtime touches process signals: SIGTERM and SIGINT start a graceful
 * shutdown; once it is done the handlers are removed and, unless something else listens for
 * the signal, the signal is raised again so the process ends as it would have without them.
 */
import type { Logger } from '../../core/index.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Installed signal handlers; `remove()` takes them away. */
export interface SignalHandlers {
  remove(): void;
}

/**
 * Calls `shutdown` on the first SIGTERM or SIGINT; a later signal while it runs is logged and
 * ignored.
 *
 * @example
 * ```ts
 * const handlers = installShutdownSignals(() => app.close(), logger);
 * handlers.remove();
 * ```
 */
export function installShutdownSignals(
  shutdown: () => Promise<unknown>,
  logger: Logger,
): SignalHandlers {
  let received: NodeJS.Signals | undefined;
  const remove = (): void => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (received !== undefined) {
      logger.warn({ signal }, 'already shutting down');
      return;
    }
    received = signal;
    logger.info({ signal }, 'shutting down gracefully');
    void shutdown()
      .catch((err: unknown) => {
        logger.error({ err }, 'graceful shutdown failed');
      })
      .finally(() => {
        remove();
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
  }
  for (const s of SIGNALS) process.on(s, onSignal);
  return { remove };
}
