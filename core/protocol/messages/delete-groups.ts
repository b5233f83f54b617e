/**
 * DeleteGroups (API key 42): versions 0-2, flexible from v2.
 *
 * Transcribed from Apache Kafka's `DeleteGroupsRequest.json` and `DeleteGroupsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** DeleteGroups request, versions 0-2. */
export interface DeleteGroupsRequest {
  /** The group names to delete. */
  readonly groupsNames: readonly string[];
}

/** DeleteGroups response, versions 0-2. */
export interface DeleteGroupsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The deletion results */
  readonly results: readonly DeletableGroupResult[];
}

/** An element of `DeleteGroupsResponse.results`. */
export interface DeletableGroupResult {
  /** The group id */
  readonly groupId: string;
  /** The deletion error, or 0 if the deletion succeeded. */
  readonly errorCode: number;
}

/** The DeleteGroups request schema, versions 0-2. */
export const deleteGroupsRequestSchema = defineMessage<DeleteGroupsRequest>({
  name: 'DeleteGroupsRequest',
  apiKey: 42,
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [{ name: 'groupsNames', type: '[]string', versions: '0+' }],
});

/** The DeleteGroups response schema, versions 0-2. */
export const deleteGroupsResponseSchema = defineMessage<DeleteGroupsResponse>({
  name: 'DeleteGroupsResponse',
  apiKey: 42,
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]DeletableGroupResult',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
});
