import type { BrokerConfig } from './broker-config.js';

/** A host and port clients connect to. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Listener hosts that mean "every interface": bindable, but not an address to connect to. */
const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/**
 * Where clients should connect to this node: what Metadata, DescribeCluster and FindCoordinator
 * advertise. Clients reconnect to this address rather than to their bootstrap address
 * (kafka-protocol.md §4, "Advertised addresses"), so it must be reachable.
 *
 * It is `advertised.listeners` when set, else the listener. A wildcard listener host (`0.0.0.0`,
 * `::`) cannot be connected to, so it is advertised as `127.0.0.1`: right for a broker on the
 * same machine as its clients; a broker serving other machines must set `advertised.listeners`.
 * The port is the configured one, so a broker listening on port 0 must put the bound port into
 * the config it hands to handlers.
 *
 * @example
 * ```ts
 * const { host, port } = advertisedEndpoint(broker.config);
 * ```
 */
export function advertisedEndpoint(config: BrokerConfig): Endpoint {
  const host = config.advertisedHost ?? config.host;
  return {
    host: WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host,
    port: config.advertisedPort ?? config.port,
  };
}
