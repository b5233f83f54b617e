import { Broker } from '../../core/broker/broker.js';
import { parseBrokerConfig } from '../../core/broker/broker-config.js';
import { createLogger, silentLogger } from '../../core/util/logger.js';
import { makeTempDir } from './temp-dir.js';

/** An in-process broker on 127.0.0.1 with its own temp data folder. */
export interface TestBroker {
  broker: Broker;
  readonly bootstrap: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops the broker and starts a new one on the same port and data folder. */
  restart(): Promise<void>;
  /** Stops the broker and removes its data. */
  close(): Promise<void>;
}

/** Starts a broker for a test; `FJORD_TEST_LOG=debug` shows its logs. */
export async function startTestBroker(
  props: Readonly<Record<string, string>> = {},
): Promise<TestBroker> {
  const { dir, cleanup } = makeTempDir('fjord-broker-');
  const logger =
    process.env.FJORD_TEST_LOG === undefined
      ? silentLogger
      : createLogger('test-broker', process.env.FJORD_TEST_LOG);
  const start = (port: number): Promise<Broker> =>
    Broker.start({
      config: parseBrokerConfig({
        listeners: `PLAINTEXT://127.0.0.1:${port}`,
        'log.dirs': dir,
        ...props,
      }),
      logger,
    });
  let broker = await start(0);
  const port = broker.port;
  const handle: TestBroker = {
    get broker() {
      return broker;
    },
    set broker(b: Broker) {
      broker = b;
    },
    bootstrap: `127.0.0.1:${port}`,
    port,
    dataDir: dir,
    async restart() {
      await broker.stop();
      broker = await start(port);
    },
    async close() {
      await broker.stop();
      cleanup();
    },
  };
  return handle;
}
