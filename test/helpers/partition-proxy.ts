/**
 * A TCP proxy for network-partition tests: it forwards everything until told to blackhole some of
 * its connections, which then go silent in both directions (bytes are read and dropped, nothing
 * is answered, nothing is closed), as a cut cable or a firewall DROP rule looks to both ends.
 *
 * With `kafka: true` each connection is named by the client id of its first request, so one
 * broker's replica fetcher (`fjord-replica-<id>`) can be cut off from a leader while clients on
 * the same port still get through.
 */
import * as net from 'node:net';

/** Which connections a blackhole takes: by the client id of their first Kafka request. */
export type ConnectionMatch = (clientId: string | undefined) => boolean;

/** A running proxy. */
export interface PartitionProxy {
  readonly port: number;
  /** Silences every current and future connection that `match` takes (all when omitted). */
  blackhole(match?: ConnectionMatch): void;
  /**
   * Ends the blackhole. Connections it silenced are reset: the bytes dropped on them can never
   * arrive, so both ends must reconnect, as they would after a partition outlasting TCP's
   * retransmissions.
   */
  heal(): void;
  /** Connections silenced so far, with their client ids: shows the blackhole hit what it aimed at. */
  readonly silenced: readonly (string | undefined)[];
  close(): Promise<void>;
}

/** Options of {@link startPartitionProxy}. */
export interface PartitionProxyOptions {
  /** Read the first request header of each connection to learn its client id. */
  readonly kafka?: boolean;
}

interface Link {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  clientId: string | undefined;
  silenced: boolean;
}

/**
 * The client id of a Kafka request header (v1 and v2 both start api key, version, correlation
 * id, then a nullable int16-length string), once `head` holds that much of the first frame.
 */
export function firstClientId(head: Buffer): { complete: boolean; clientId?: string } {
  const offset = 4 + 2 + 2 + 4;
  if (head.length < offset + 2) return { complete: false };
  const length = head.readInt16BE(offset);
  if (length < 0) return { complete: true };
  if (head.length < offset + 2 + length) return { complete: false };
  return { complete: true, clientId: head.toString('utf8', offset + 2, offset + 2 + length) };
}

/** Starts a proxy on 127.0.0.1 (ephemeral port) in front of `127.0.0.1:targetPort`. */
export async function startPartitionProxy(
  targetPort: number,
  options: PartitionProxyOptions = {},
): Promise<PartitionProxy> {
  const links = new Set<Link>();
  const silenced: (string | undefined)[] = [];
  let rule: ConnectionMatch | undefined;

  const silence = (link: Link): void => {
    if (link.silenced) return;
    link.silenced = true;
    silenced.push(link.clientId);
  };
  const applyRule = (link: Link): void => {
    if (rule?.(link.clientId) === true) silence(link);
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const link: Link = { client, upstream, clientId: undefined, silenced: false };
    links.add(link);
    let named = options.kafka !== true;
    let head = Buffer.alloc(0);
    if (named) applyRule(link);
    client.on('data', (chunk: Buffer) => {
      if (!named) {
        head = Buffer.concat([head, chunk]);
        const parsed = firstClientId(head);
        if (!parsed.complete) return;
        named = true;
        link.clientId = parsed.clientId;
        applyRule(link);
        chunk = head;
      }
      if (!link.silenced) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!link.silenced) client.write(chunk);
    });
    const drop = (): void => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    port,
    silenced,
    blackhole(match = () => true) {
      rule = match;
      for (const link of links) applyRule(link);
    },
    heal() {
      rule = undefined;
      for (const link of links) {
        if (!link.silenced) continue;
        link.client.resetAndDestroy();
        link.upstream.resetAndDestroy();
      }
    },
    async close() {
      for (const link of links) {
        link.client.destroy();
        link.upstream.destroy();
      }
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
