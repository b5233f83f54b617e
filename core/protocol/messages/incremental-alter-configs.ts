/**
 * IncrementalAlterConfigs (API key 44): versions 0-1, flexible from v1.
 *
 * Transcribed from Apache Kafka's `IncrementalAlterConfigsRequest.json` and `IncrementalAlterConfigsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** IncrementalAlterConfigs request, versions 0-1. */
export interface IncrementalAlterConfigsRequest {
  /** The incremental updates for each resource. */
  readonly resources: readonly IncrementalAlterConfigsResource[];
  /** True if we should validate the request, but not change the configurations. */
  readonly validateOnly: boolean;
}

/** An element of `IncrementalAlterConfigsRequest.resources`. */
export interface IncrementalAlterConfigsResource {
  /** The resource type. */
  readonly resourceType: number;
  /** The resource name. */
  readonly resourceName: string;
  /** The configurations. */
  readonly configs: readonly IncrementalAlterableConfig[];
}

/** An element of `IncrementalAlterConfigsResource.configs`. */
export interface IncrementalAlterableConfig {
  /** The configuration key name. */
  readonly name: string;
  /** The type (Set, Delete, Append, Subtract) of operation. */
  readonly configOperation: number;
  /** The value to set for the configuration key. */
  readonly value: string | null;
}

/** IncrementalAlterConfigs response, versions 0-1. */
export interface IncrementalAlterConfigsResponse {
  /**
   * Duration in milliseconds for which the request was throttled due to a quota violation, or zero
   * if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The responses for each resource. */
  readonly responses: readonly IncrementalAlterConfigsResourceResponse[];
}

/** An element of `IncrementalAlterConfigsResponse.responses`. */
export interface IncrementalAlterConfigsResourceResponse {
  /** The resource error code. */
  readonly errorCode: number;
  /** The resource error message, or null if there was no error. */
  readonly errorMessage: string | null;
  /** The resource type. */
  readonly resourceType: number;
  /** The resource name. */
  readonly resourceName: string;
}

/** The IncrementalAlterConfigs request schema, versions 0-1. */
export const incrementalAlterConfigsRequestSchema = defineMessage<IncrementalAlterConfigsRequest>({
  name: 'IncrementalAlterConfigsRequest',
  apiKey: 44,
  type: 'request',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'resources',
      type: '[]AlterConfigsResource',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: '[]AlterableConfig',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'configOperation', type: 'int8', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
});

/** The IncrementalAlterConfigs response schema, versions 0-1. */
export const incrementalAlterConfigsResponseSchema = defineMessage<IncrementalAlterConfigsResponse>(
  {
    name: 'IncrementalAlterConfigsResponse',
    apiKey: 44,
    type: 'response',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'responses',
        type: '[]AlterConfigsResourceResponse',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
        ],
      },
    ],
  },
);
