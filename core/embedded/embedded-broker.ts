/**
 * A broker inside the calling process, for zero-setup development and tests: it listens on an
 * ephemeral 127.0.0.1 port and, unless given a data folder, keeps its data in a temporary one
 * that is removed on close. This is the one place that puts the broker and the clients together
 * (core/client may not import core/broker), so only core/index.ts and the CLI import it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Broker } from '../broker/broker.js';
import { parseBrokerConfig } from '../broker/broker-config.js';
import type { Logger } from '../util/logger.js';

/** Settings of {@link createEmbeddedBroker}. */
export interface EmbeddedBrokerOptions {
  /** The data folder (kept on close); default a fresh temporary folder, removed on close. */
  readonly dataDir?: string;
  readonly logger?: Logger;
  /**
   * Broker properties with Kafka's names (`num.partitions`, `auto.create.topics.enable`, ...).
   * `listeners` defaults to `PLAINTEXT://127.0.0.1:0` (a free port).
   */
  readonly props?: Readonly<Record<string, string>>;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** `host:port` to give clients. */
  readonly bootstrap: string;
  readonly broker: Broker;
  /** The data folder in use. */
  readonly dataDir: string;
  /** Stops the broker cleanly and removes a temporary data folder. */
  close(): Promise<void>;
}

/**
 * Starts a broker in this process on an ephemeral 127.0.0.1 port.
 *
 * @example
 * ```ts
 * const embedded = await createEmbeddedBroker({ props: { 'num.partitions': '3' } });
 * const producer = createProducer({ bootstrap: embedded.bootstrap });
 * await producer.send({ topic: 'greetings', value: 'hello' });
 * await producer.close();
 * await embedded.close();
 * ```
 */
export async function createEmbeddedBroker(
  options: EmbeddedBrokerOptions = {},
): Promise<EmbeddedBroker> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-embedded-'));
  const removeTemporary = (): void => {
    if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let broker: Broker;
  try {
    broker = await Broker.start({
      config: parseBrokerConfig({
        listeners: 'PLAINTEXT://127.0.0.1:0',
        ...options.props,
        'log.dirs': dataDir,
      }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  } catch (err) {
    removeTemporary();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    bootstrap: broker.bootstrap,
    broker,
    dataDir,
    close: () =>
      (closing ??= (async () => {
        try {
          await broker.stop();
        } finally {
          removeTemporary();
        }
      })()),
  };
}
