/**
 * ApiVersions (API key 18): versions 0-3, flexible from v3.
 *
 * Transcribed from Apache Kafka's `ApiVersionsRequest.json` and `ApiVersionsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** ApiVersions request, versions 0-3. */
export interface ApiVersionsRequest {
  /** The name of the client. (v3+) */
  readonly clientSoftwareName?: string;
  /** The version of the client. (v3+) */
  readonly clientSoftwareVersion?: string;
}

/** ApiVersions response, versions 0-3. */
export interface ApiVersionsResponse {
  /** The top-level error code. */
  readonly errorCode: number;
  /** The APIs supported by the broker. */
  readonly apiKeys: readonly ApiVersion[];
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v1+)
   */
  readonly throttleTimeMs?: number;
  /**
   * Features supported by the broker. Note: in v0-v3, features with MinSupportedVersion = 0 are
   * omitted. (v3+, tagged 0)
   */
  readonly supportedFeatures?: readonly SupportedFeatureKey[];
  /**
   * The monotonically increasing epoch for the finalized features information. Valid values are >=
   * 0. A value of -1 is special and represents unknown epoch. (v3+, tagged 1)
   */
  readonly finalizedFeaturesEpoch?: number;
  /**
   * List of cluster-wide finalized features. The information is valid only if
   * FinalizedFeaturesEpoch >= 0. (v3+, tagged 2)
   */
  readonly finalizedFeatures?: readonly FinalizedFeatureKey[];
  /**
   * Set by a KRaft controller if the required configurations for ZK migration are present (v3+,
   * tagged 3)
   */
  readonly zkMigrationReady?: boolean;
}

/** An element of `ApiVersionsResponse.apiKeys`. */
export interface ApiVersion {
  /** The API index. */
  readonly apiKey: number;
  /** The minimum supported version, inclusive. */
  readonly minVersion: number;
  /** The maximum supported version, inclusive. */
  readonly maxVersion: number;
}

/** An element of `ApiVersionsResponse.supportedFeatures`. */
export interface SupportedFeatureKey {
  /** The name of the feature. */
  readonly name: string;
  /** The minimum supported version for the feature. */
  readonly minVersion: number;
  /** The maximum supported version for the feature. */
  readonly maxVersion: number;
}

/** An element of `ApiVersionsResponse.finalizedFeatures`. */
export interface FinalizedFeatureKey {
  /** The name of the feature. */
  readonly name: string;
  /** The cluster-wide finalized max version level for the feature. */
  readonly maxVersionLevel: number;
  /** The cluster-wide finalized min version level for the feature. */
  readonly minVersionLevel: number;
}

/** The ApiVersions request schema, versions 0-3. */
export const apiVersionsRequestSchema = defineMessage<ApiVersionsRequest>({
  name: 'ApiVersionsRequest',
  apiKey: 18,
  type: 'request',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+', ignorable: true },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+', ignorable: true },
  ],
});

/** The ApiVersions response schema, versions 0-3. */
export const apiVersionsResponseSchema = defineMessage<ApiVersionsResponse>({
  name: 'ApiVersionsResponse',
  apiKey: 18,
  type: 'response',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'apiKeys',
      type: '[]ApiVersion',
      versions: '0+',
      fields: [
        { name: 'apiKey', type: 'int16', versions: '0+' },
        { name: 'minVersion', type: 'int16', versions: '0+' },
        { name: 'maxVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'supportedFeatures',
      type: '[]SupportedFeatureKey',
      versions: '3+',
      tag: 0,
      taggedVersions: '3+',
      ignorable: true,
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'minVersion', type: 'int16', versions: '3+' },
        { name: 'maxVersion', type: 'int16', versions: '3+' },
      ],
    },
    {
      name: 'finalizedFeaturesEpoch',
      type: 'int64',
      versions: '3+',
      tag: 1,
      taggedVersions: '3+',
      default: -1,
      ignorable: true,
    },
    {
      name: 'finalizedFeatures',
      type: '[]FinalizedFeatureKey',
      versions: '3+',
      tag: 2,
      taggedVersions: '3+',
      ignorable: true,
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
        { name: 'minVersionLevel', type: 'int16', versions: '3+' },
      ],
    },
    {
      name: 'zkMigrationReady',
      type: 'bool',
      versions: '3+',
      tag: 3,
      taggedVersions: '3+',
      default: false,
      ignorable: true,
    },
  ],
});
