/**
 * FindCoordinator (API key 10): versions 0-4, flexible from v3.
 *
 * Transcribed from Apache Kafka's `FindCoordinatorRequest.json` and `FindCoordinatorResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** FindCoordinator request, versions 0-4. */
export interface FindCoordinatorRequest {
  /** The coordinator key. (v0-3) */
  readonly key?: string;
  /** The coordinator key type. (Group, transaction, etc.) (v1+) */
  readonly keyType?: number;
  /** The coordinator keys. (v4+) */
  readonly coordinatorKeys?: readonly string[];
}

/** FindCoordinator response, versions 0-4. */
export interface FindCoordinatorResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v1+)
   */
  readonly throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. (v0-3) */
  readonly errorCode?: number;
  /** The error message, or null if there was no error. (v1-3) */
  readonly errorMessage?: string | null;
  /** The node id. (v0-3) */
  readonly nodeId?: number;
  /** The host name. (v0-3) */
  readonly host?: string;
  /** The port. (v0-3) */
  readonly port?: number;
  /** Each coordinator result in the response (v4+) */
  readonly coordinators?: readonly Coordinator[];
}

/** An element of `FindCoordinatorResponse.coordinators`. */
export interface Coordinator {
  /** The coordinator key. */
  readonly key: string;
  /** The node id. */
  readonly nodeId: number;
  /** The host name. */
  readonly host: string;
  /** The port. */
  readonly port: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** The error message, or null if there was no error. */
  readonly errorMessage: string | null;
}

/** The FindCoordinator request schema, versions 0-4. */
export const findCoordinatorRequestSchema = defineMessage<FindCoordinatorRequest>({
  name: 'FindCoordinatorRequest',
  apiKey: 10,
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'key', type: 'string', versions: '0-3' },
    { name: 'keyType', type: 'int8', versions: '1+', default: 0 },
    { name: 'coordinatorKeys', type: '[]string', versions: '4+' },
  ],
});

/** The FindCoordinator response schema, versions 0-4. */
export const findCoordinatorResponseSchema = defineMessage<FindCoordinatorResponse>({
  name: 'FindCoordinatorResponse',
  apiKey: 10,
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0-3' },
    {
      name: 'errorMessage',
      type: 'string',
      versions: '1-3',
      nullableVersions: '1-3',
      ignorable: true,
    },
    { name: 'nodeId', type: 'int32', versions: '0-3' },
    { name: 'host', type: 'string', versions: '0-3' },
    { name: 'port', type: 'int32', versions: '0-3' },
    {
      name: 'coordinators',
      type: '[]Coordinator',
      versions: '4+',
      fields: [
        { name: 'key', type: 'string', versions: '4+' },
        { name: 'nodeId', type: 'int32', versions: '4+' },
        { name: 'host', type: 'string', versions: '4+' },
        { name: 'port', type: 'int32', versions: '4+' },
        { name: 'errorCode', type: 'int16', versions: '4+' },
        {
          name: 'errorMessage',
          type: 'string',
          versions: '4+',
          nullableVersions: '4+',
          ignorable: true,
        },
      ],
    },
  ],
});
