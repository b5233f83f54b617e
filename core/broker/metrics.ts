import * as http from 'node:http';

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { Logger } from '../util/logger.js';

/**
 * The broker's Prometheus metrics, in a registry of its own so several brokers can share a
 * process (tests, `cluster dev`).
 */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly bytesIn = new Counter({
    name: 'fjord_bytes_in_total',
    help: 'Bytes received from clients',
    registers: [this.registry],
  });
  readonly bytesOut = new Counter({
    name: 'fjord_bytes_out_total',
    help: 'Bytes sent to clients',
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'fjord_requests_total',
    help: 'Requests handled, by API and by the error codes in their responses',
    labelNames: ['api', 'error'] as const,
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'fjord_request_duration_seconds',
    help: 'Time from a decoded request to its encoded response, by API',
    labelNames: ['api'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly connections = new Gauge({
    name: 'fjord_connections',
    help: 'Open client connections',
    registers: [this.registry],
  });

  constructor(
    collectPartitions: () => readonly {
      topic: string;
      partition: number;
      logEndOffset: number;
      logStartOffset: number;
    }[],
  ) {
    new Gauge({
      name: 'fjord_partitions',
      help: 'Partitions hosted by this broker',
      registers: [this.registry],
      collect() {
        this.set(collectPartitions().length);
      },
    });
    new Gauge({
      name: 'fjord_log_end_offset',
      help: 'Log end offset per partition',
      labelNames: ['topic', 'partition'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const p of collectPartitions())
          this.set({ topic: p.topic, partition: String(p.partition) }, p.logEndOffset);
      },
    });
    new Gauge({
      name: 'fjord_log_start_offset',
      help: 'Log start offset per partition',
      labelNames: ['topic', 'partition'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const p of collectPartitions())
          this.set({ topic: p.topic, partition: String(p.partition) }, p.logStartOffset);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'fjord_process_' });
  }
}

/**
 * Serves `/metrics` (Prometheus text format) and `/healthz` on 127.0.0.1-or-given host. Returns a
 * close function.
 */
export async function serveMetrics(
  metrics: BrokerMetrics,
  host: string,
  port: number,
  healthy: () => boolean,
  logger: Logger,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        });
      return;
    }
    if (req.url === '/healthz') {
      const ok = healthy();
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ok ? 'ok\n' : 'stopping\n');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  logger.info({ host, port: actualPort }, 'metrics listening');
  return {
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
