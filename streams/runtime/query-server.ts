/**
 * The interactive-query HTTP endpoint of an app (`application.server`): read-only JSON views of
 * the stores this instance holds. Every answer carries the store's lag (changelog records still
 * to restore), so a store that is restoring answers with how stale it is instead of refusing.
 *
 *   GET /stores/:name/keys/:key            one key of a key-value store
 *   GET /stores/:name/range?from=&to=      a key range (either bound optional)
 *   GET /stores/:name/all                  every entry
 *   GET /stores/:name/windows/:key?from=&to=   the windows of a key (window start ms bounds)
 *   GET /stores/:name/lag                  the lag of each local instance
 *
 * Keys in the path and query are strings; `?keyType=number` or `?keyType=json` parses them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Logger } from '../../core/index.js';
import { StateStoreError } from '../state/index.js';

import type { AppStores } from './app-stores.js';

/**
 * A running query server.
 *
 * @example
 * ```ts
 * const server = await startQueryServer({ host: '127.0.0.1', port: 0, stores, logger });
 * console.log(`GET http://127.0.0.1:${server.port}/stores/counts/keys/a`);
 * await server.close();
 * ```
 */
export interface QueryServer {
  readonly port: number;
  close(): Promise<void>;
}

/** What the server serves. */
export interface QueryServerOptions {
  readonly host: string;
  readonly port: number;
  readonly stores: AppStores;
  readonly logger: Logger;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseKey(raw: string, type: string | null): unknown {
  if (type === null || type === 'string') return raw;
  if (type === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new HttpError(400, `key ${raw} is not a number`);
    return n;
  }
  if (type === 'json') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new HttpError(400, `key ${raw} is not JSON`);
    }
  }
  throw new HttpError(400, `keyType must be string, number or json, not ${type}`);
}

function optionalNumber(raw: string | null, fallback: number): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new HttpError(400, `${raw} is not a number`);
  return n;
}

/** Answers one request; returns the status and JSON body. */
function answer(stores: AppStores, url: URL): [number, unknown] {
  const parts = url.pathname
    .split('/')
    .filter((p) => p.length > 0)
    .map(decodeURIComponent);
  const [root, name, verb, rawKey] = parts;
  if (root !== 'stores' || name === undefined || verb === undefined)
    throw new HttpError(404, `no route ${url.pathname}`);
  const kind = stores.kindOf(name);
  if (kind === undefined) throw new HttpError(404, `no local instance of store ${name}`);
  const lags = stores.lag(name);
  const lag = lags.reduce((n, l) => n + l.lag, 0);
  const head = { store: name, lag, stale: lag > 0 };
  const keyType = url.searchParams.get('keyType');
  const q = (p: string): string | null => url.searchParams.get(p);
  if (verb === 'lag') return [200, { ...head, instances: lags }];
  if (verb === 'keys' && rawKey !== undefined) {
    const key = parseKey(rawKey, keyType);
    const value = stores.keyValue(name).get(key);
    return value === undefined
      ? [404, { ...head, key, found: false }]
      : [200, { ...head, key, value }];
  }
  if (verb === 'range' || verb === 'all') {
    const from =
      verb === 'all' || q('from') === null ? undefined : parseKey(q('from') ?? '', keyType);
    const to = verb === 'all' || q('to') === null ? undefined : parseKey(q('to') ?? '', keyType);
    const entries = [...stores.keyValue(name).range(from, to)].map(([key, value]) => ({
      key,
      value,
    }));
    return [200, { ...head, entries }];
  }
  if (verb === 'windows' && rawKey !== undefined) {
    const key = parseKey(rawKey, keyType);
    const from = optionalNumber(q('from'), 0);
    const to = optionalNumber(q('to'), Number.MAX_SAFE_INTEGER);
    const windows = [...stores.window(name).fetchRange(key, from, to)].map(([startMs, value]) => ({
      startMs,
      value,
    }));
    return [200, { ...head, key, windows }];
  }
  throw new HttpError(404, `no route ${url.pathname}`);
}

function handle(options: QueryServerOptions, req: IncomingMessage, res: ServerResponse): void {
  let status: number;
  let body: unknown;
  try {
    if (req.method !== 'GET') throw new HttpError(405, 'only GET is served');
    [status, body] = answer(options.stores, new URL(req.url ?? '/', 'http://query'));
  } catch (err) {
    status = err instanceof HttpError ? err.status : err instanceof StateStoreError ? 400 : 500;
    body = { error: err instanceof Error ? err.message : String(err) };
    if (status === 500) options.logger.warn({ err }, 'interactive query failed');
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Starts the server; resolves once it listens. */
export function startQueryServer(options: QueryServerOptions): Promise<QueryServer> {
  const server: Server = createServer((req, res) => {
    handle(options, req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
              done();
            });
            server.closeAllConnections();
          }),
      });
    });
  });
}
