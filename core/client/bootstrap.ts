/** Where a client first reaches a cluster: the `host:port[,host:port]` list of bootstrap servers. */
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';

/** A broker address. */
export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

/** The bootstrap list when none is given: $FJORD_BOOTSTRAP_SERVERS, else 127.0.0.1:9092. */
export function defaultBootstrap(): string {
  return process.env.FJORD_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
}

/**
 * Parses `host:port[,host:port]` (IPv6 hosts in brackets), by default `$FJORD_BOOTSTRAP_SERVERS`,
 * else `127.0.0.1:9092`. Throws {@link FjordError} (INVALID_CONFIG) for a bad entry.
 *
 * @example
 * ```ts
 * parseBootstrap('a:9092,[::1]:9093'); // [{ host: 'a', port: 9092 }, { host: '::1', port: 9093 }]
 * ```
 */
export function parseBootstrap(value: string | undefined): BrokerAddress[] {
  const list = value ?? defaultBootstrap();
  return list.split(',').map((entry) => {
    const at = entry.lastIndexOf(':');
    const port = Number(entry.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new FjordError(
        `bad bootstrap server "${entry}": expected host:port`,
        ErrorCode.INVALID_CONFIG,
      );
    }
    return { host: entry.slice(0, at).replace(/^\[|\]$/g, ''), port };
  });
}
