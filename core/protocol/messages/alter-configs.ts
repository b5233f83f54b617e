/**
 * AlterConfigs (API key 33): versions 0-2, flexible from v2.
 *
 * Transcribed from Apache Kafka's `AlterConfigsRequest.json` and `AlterConfigsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** AlterConfigs request, versions 0-2. */
export interface AlterConfigsRequest {
  /** The updates for each resource. */
  readonly resources: readonly AlterConfigsResource[];
  /** True if we should validate the request, but not change the configurations. */
  readonly validateOnly: boolean;
}

/** An element of `AlterConfigsRequest.resources`. */
export interface AlterConfigsResource {
  /** The resource type. */
  readonly resourceType: number;
  /** The resource name. */
  readonly resourceName: string;
  /** The configurations. */
  readonly configs: readonly AlterableConfig[];
}

/** An element of `AlterConfigsResource.configs`. */
export interface AlterableConfig {
  /** The configuration key name. */
  readonly name: string;
  /** The value to set for the configuration key. */
  readonly value: string | null;
}

/** AlterConfigs response, versions 0-2. */
export interface AlterConfigsResponse {
  /**
   * Duration in milliseconds for which the request was throttled due to a quota violation, or zero
   * if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The responses for each resource. */
  readonly responses: readonly AlterConfigsResourceResponse[];
}

/** An element of `AlterConfigsResponse.responses`. */
export interface AlterConfigsResourceResponse {
  /** The resource error code. */
  readonly errorCode: number;
  /** The resource error message, or null if there was no error. */
  readonly errorMessage: string | null;
  /** The resource type. */
  readonly resourceType: number;
  /** The resource name. */
  readonly resourceName: string;
}

/** The AlterConfigs request schema, versions 0-2. */
export const alterConfigsRequestSchema = defineMessage<AlterConfigsRequest>({
  name: 'AlterConfigsRequest',
  apiKey: 33,
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
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
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
});

/** The AlterConfigs response schema, versions 0-2. */
export const alterConfigsResponseSchema = defineMessage<AlterConfigsResponse>({
  name: 'AlterConfigsResponse',
  apiKey: 33,
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
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
});
