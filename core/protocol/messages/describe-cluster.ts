/**
 * DescribeCluster (API key 60): versions 0-1, flexible from v0.
 *
 * Transcribed from Apache Kafka's `DescribeClusterRequest.json` and `DescribeClusterResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** DescribeCluster request, versions 0-1. */
export interface DescribeClusterRequest {
  /** Whether to include cluster authorized operations. */
  readonly includeClusterAuthorizedOperations: boolean;
  /** The endpoint type to describe. 1=brokers, 2=controllers. (v1+) */
  readonly endpointType?: number;
}

/** DescribeCluster response, versions 0-1. */
export interface DescribeClusterResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The top-level error code, or 0 if there was no error */
  readonly errorCode: number;
  /** The top-level error message, or null if there was no error. */
  readonly errorMessage: string | null;
  /** The endpoint type that was described. 1=brokers, 2=controllers. (v1+) */
  readonly endpointType?: number;
  /** The cluster ID that responding broker belongs to. */
  readonly clusterId: string;
  /** The ID of the controller broker. */
  readonly controllerId: number;
  /** Each broker in the response. */
  readonly brokers: readonly DescribeClusterBroker[];
  /** 32-bit bitfield to represent authorized operations for this cluster. */
  readonly clusterAuthorizedOperations: number;
}

/** An element of `DescribeClusterResponse.brokers`. */
export interface DescribeClusterBroker {
  /** The broker ID. */
  readonly brokerId: number;
  /** The broker hostname. */
  readonly host: string;
  /** The broker port. */
  readonly port: number;
  /** The rack of the broker, or null if it has not been assigned to a rack. */
  readonly rack: string | null;
}

/** The DescribeCluster request schema, versions 0-1. */
export const describeClusterRequestSchema = defineMessage<DescribeClusterRequest>({
  name: 'DescribeClusterRequest',
  apiKey: 60,
  type: 'request',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
  ],
});

/** The DescribeCluster response schema, versions 0-1. */
export const describeClusterResponseSchema = defineMessage<DescribeClusterResponse>({
  name: 'DescribeClusterResponse',
  apiKey: 60,
  type: 'response',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
    { name: 'clusterId', type: 'string', versions: '0+' },
    { name: 'controllerId', type: 'int32', versions: '0+', default: -1 },
    {
      name: 'brokers',
      type: '[]DescribeClusterBroker',
      versions: '0+',
      fields: [
        { name: 'brokerId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '0+', default: -2147483648 },
  ],
});
