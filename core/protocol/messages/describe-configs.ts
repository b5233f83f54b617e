/**
 * DescribeConfigs (API key 32): versions 1-4, flexible from v4.
 *
 * Transcribed from Apache Kafka's `DescribeConfigsRequest.json` and `DescribeConfigsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** DescribeConfigs request, versions 1-4. */
export interface DescribeConfigsRequest {
  /** The resources whose configurations we want to describe. */
  readonly resources: readonly DescribeConfigsResource[];
  /** True if we should include all synonyms. */
  readonly includeSynonyms: boolean;
  /** True if we should include configuration documentation. (v3+) */
  readonly includeDocumentation?: boolean;
}

/** An element of `DescribeConfigsRequest.resources`. */
export interface DescribeConfigsResource {
  /** The resource type. */
  readonly resourceType: number;
  /** The resource name. */
  readonly resourceName: string;
  /** The configuration keys to list, or null to list all configuration keys. */
  readonly configurationKeys: readonly string[] | null;
}

/** DescribeConfigs response, versions 1-4. */
export interface DescribeConfigsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The results for each resource. */
  readonly results: readonly DescribeConfigsResult[];
}

/** An element of `DescribeConfigsResponse.results`. */
export interface DescribeConfigsResult {
  /** The error code, or 0 if we were able to successfully describe the configurations. */
  readonly errorCode: number;
  /** The error message, or null if we were able to successfully describe the configurations. */
  readonly errorMessage: string | null;
  /** The resource type. */
  readonly resourceType: number;
  /** The resource name. */
  readonly resourceName: string;
  /** Each listed configuration. */
  readonly configs: readonly DescribeConfigsResourceResult[];
}

/** An element of `DescribeConfigsResult.configs`. */
export interface DescribeConfigsResourceResult {
  /** The configuration name. */
  readonly name: string;
  /** The configuration value. */
  readonly value: string | null;
  /** True if the configuration is read-only. */
  readonly readOnly: boolean;
  /** The configuration source. */
  readonly configSource: number;
  /** True if this configuration is sensitive. */
  readonly isSensitive: boolean;
  /** The synonyms for this configuration key. */
  readonly synonyms: readonly DescribeConfigsSynonym[];
  /**
   * The configuration data type. Type can be one of the following values - BOOLEAN, STRING, INT,
   * SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD (v3+)
   */
  readonly configType?: number;
  /** The configuration documentation. (v3+) */
  readonly documentation?: string | null;
}

/** An element of `DescribeConfigsResourceResult.synonyms`. */
export interface DescribeConfigsSynonym {
  /** The synonym name. */
  readonly name: string;
  /** The synonym value. */
  readonly value: string | null;
  /** The synonym source. */
  readonly source: number;
}

/** The DescribeConfigs request schema, versions 1-4. */
export const describeConfigsRequestSchema = defineMessage<DescribeConfigsRequest>({
  name: 'DescribeConfigsRequest',
  apiKey: 32,
  type: 'request',
  validVersions: '1-4',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'resources',
      type: '[]DescribeConfigsResource',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        { name: 'configurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'includeSynonyms', type: 'bool', versions: '1+', default: false },
    { name: 'includeDocumentation', type: 'bool', versions: '3+', default: false },
  ],
});

/** The DescribeConfigs response schema, versions 1-4. */
export const describeConfigsResponseSchema = defineMessage<DescribeConfigsResponse>({
  name: 'DescribeConfigsResponse',
  apiKey: 32,
  type: 'response',
  validVersions: '1-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]DescribeConfigsResult',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: '[]DescribeConfigsResourceResult',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'readOnly', type: 'bool', versions: '0+' },
            { name: 'configSource', type: 'int8', versions: '1+', default: -1, ignorable: true },
            { name: 'isSensitive', type: 'bool', versions: '0+' },
            {
              name: 'synonyms',
              type: '[]DescribeConfigsSynonym',
              versions: '1+',
              ignorable: true,
              fields: [
                { name: 'name', type: 'string', versions: '1+' },
                { name: 'value', type: 'string', versions: '1+', nullableVersions: '0+' },
                { name: 'source', type: 'int8', versions: '1+' },
              ],
            },
            { name: 'configType', type: 'int8', versions: '3+', default: 0, ignorable: true },
            {
              name: 'documentation',
              type: 'string',
              versions: '3+',
              nullableVersions: '0+',
              ignorable: true,
            },
          ],
        },
      ],
    },
  ],
});
