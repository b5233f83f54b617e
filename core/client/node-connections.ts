/**
 * The connections an admin client holds: one to a bootstrap broker, and more, opened on demand,
 * to the nodes requests must reach (a partition's leader, a group's coordinator). Each connection
 * has negotiated its API versions before it is handed out.
 */
import { KafkaConnection } from '../network/client-connection.js';
import { ApiKey } from '../protocol/messages/index.js';
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';

/** A broker address. */
export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port[,host:port]`, defaulting to FJORD_BOOTSTRAP_SERVERS, then 127.0.0.1:9092. */
export function parseBootstrap(value: string | undefined): BrokerAddress[] {
  const list = value ?? process.env.FJORD_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
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

const key = (a: BrokerAddress): string => `${a.host}:${a.port}`;

/**
 * A bootstrap connection plus a cache of connections by address and node id.
 *
 * @example
 * ```ts
 * const nodes = await NodeConnections.connect('127.0.0.1:9092', 'fjord-admin');
 * const leader = await nodes.forNode(1);
 * await nodes.close();
 * ```
 */
export class NodeConnections {
  private readonly byAddress = new Map<string, Promise<KafkaConnection>>();
  private nodeAddresses = new Map<number, BrokerAddress>();

  private constructor(
    /** The first bootstrap broker that answered ApiVersions. */
    readonly bootstrap: KafkaConnection,
    private readonly bootstrapAddress: BrokerAddress,
    private readonly clientId: string,
  ) {}

  /** Connects to the first reachable broker of `bootstrap` (see {@link parseBootstrap}). */
  static async connect(bootstrap: string | undefined, clientId: string): Promise<NodeConnections> {
    let lastError: unknown;
    for (const address of parseBootstrap(bootstrap)) {
      try {
        const connection = await KafkaConnection.connect(address.host, address.port, { clientId });
        await connection.apiVersions();
        return new NodeConnections(connection, address, clientId);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new Error('no bootstrap server reachable');
  }

  /** A connection to `address`: the bootstrap one when it is that broker, else a cached one. */
  forAddress(address: BrokerAddress): Promise<KafkaConnection> {
    if (key(address) === key(this.bootstrapAddress)) return Promise.resolve(this.bootstrap);
    const cached = this.byAddress.get(key(address));
    if (cached !== undefined) {
      return cached.then(
        (c) => (c.closed ? this.open(address) : c),
        () => this.open(address),
      );
    }
    return this.open(address);
  }

  /** A connection to the node `nodeId`, looked up in Metadata when not known yet. */
  async forNode(nodeId: number): Promise<KafkaConnection> {
    let address = this.nodeAddresses.get(nodeId);
    if (address === undefined) {
      await this.refreshNodes();
      address = this.nodeAddresses.get(nodeId);
    }
    if (address === undefined) {
      throw new FjordError(
        `node ${nodeId} is not in the cluster metadata`,
        ErrorCode.NETWORK_EXCEPTION,
      );
    }
    return this.forAddress(address);
  }

  /** Every node of the cluster, as Metadata lists them. */
  async nodes(): Promise<Map<number, BrokerAddress>> {
    await this.refreshNodes();
    return new Map(this.nodeAddresses);
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    const others = [...this.byAddress.values()];
    this.byAddress.clear();
    await Promise.allSettled([
      this.bootstrap.close(),
      ...others.map(async (p) => {
        await (await p).close();
      }),
    ]);
  }

  private async refreshNodes(): Promise<void> {
    const version = this.bootstrap.pickVersion(ApiKey.METADATA, 9);
    const metadata = await this.bootstrap.send(ApiKey.METADATA, version, {
      topics: [],
      allowAutoTopicCreation: false,
    });
    this.nodeAddresses = new Map(
      metadata.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }]),
    );
  }

  private open(address: BrokerAddress): Promise<KafkaConnection> {
    const opening = (async () => {
      const connection = await KafkaConnection.connect(address.host, address.port, {
        clientId: this.clientId,
      });
      await connection.apiVersions();
      return connection;
    })();
    this.byAddress.set(key(address), opening);
    return opening;
  }
}
