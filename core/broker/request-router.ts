import { encodeResponseChunks } from '../protocol/frame.js';
import type { DecodedRequest } from '../protocol/frame.js';
import { ApiKey, apis } from '../protocol/messages/index.js';
import type { ApiVersion } from '../protocol/messages/api-versions.js';
import { errorName } from '../util/error-codes.js';
import { ProtocolError } from '../util/errors.js';
import { ErrorCode } from '../util/error-codes.js';
import type { ConnectionInfo, RequestProcessor } from '../network/server.js';
import { NO_RESPONSE } from './broker-context.js';
import type { BrokerContext, Handler, RequestContext } from './broker-context.js';
import type { BrokerMetrics } from './metrics.js';

/** The handler of every API this broker serves; APIs without one are neither advertised nor served. */
export type HandlerTable = { readonly [K in ApiKey]?: Handler<K> };

/** Collects every `errorCode` in a response body, to count requests by error. */
function errorCodes(value: unknown, into: Set<number>, depth = 0): void {
  if (depth > 4 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) errorCodes(item, into, depth + 1);
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    if (key === 'errorCode' && typeof field === 'number') into.add(field);
    else if (typeof field === 'object' && !Buffer.isBuffer(field))
      errorCodes(field, into, depth + 1);
  }
}

/**
 * Dispatches decoded requests to their handlers and encodes the answers. It also answers
 * ApiVersions itself, from the handler table, so fjord advertises exactly what it serves.
 */
export class RequestRouter implements RequestProcessor {
  private readonly advertised: readonly ApiVersion[];

  constructor(
    private readonly broker: BrokerContext,
    private readonly handlers: HandlerTable,
    private readonly metrics: BrokerMetrics,
  ) {
    this.advertised = Object.values(apis)
      .filter(
        (entry) =>
          entry.apiKey === ApiKey.API_VERSIONS || handlers[entry.apiKey as ApiKey] !== undefined,
      )
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((entry) => ({
        apiKey: entry.apiKey,
        minVersion: entry.minVersion,
        maxVersion: entry.maxVersion,
      }));
  }

  /** The ApiVersions entries this broker advertises. */
  get apiVersions(): readonly ApiVersion[] {
    return this.advertised;
  }

  async process(request: DecodedRequest, connection: ConnectionInfo): Promise<Buffer[] | null> {
    const started = process.hrtime.bigint();
    const { apiKey, header } = request;
    const name = apis[apiKey].name;
    let body: unknown;
    if (apiKey === ApiKey.API_VERSIONS) {
      body = { errorCode: 0, apiKeys: this.advertised, throttleTimeMs: 0 };
    } else {
      const handler = this.handlers[apiKey] as Handler<typeof apiKey> | undefined;
      if (handler === undefined) {
        throw new ProtocolError(
          `${name} is not served by this broker`,
          ErrorCode.UNSUPPORTED_VERSION,
        );
      }
      const ctx: RequestContext = {
        header,
        clientHost: connection.remoteAddress,
        connectionId: connection.id,
      };
      body = await (handler as (b: BrokerContext, r: unknown, c: RequestContext) => unknown)(
        this.broker,
        request.body,
        ctx,
      );
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics.requestSeconds.observe({ api: name }, seconds);
    const codes = new Set<number>();
    if (body !== NO_RESPONSE) errorCodes(body, codes);
    if (codes.size === 0) codes.add(0);
    for (const code of codes) this.metrics.requests.inc({ api: name, error: errorName(code) });
    if (body === NO_RESPONSE) return null;
    return encodeResponseChunks(apiKey, header.apiVersion, header.correlationId, body as never);
  }
}
