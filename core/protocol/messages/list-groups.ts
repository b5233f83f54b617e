/**
 * ListGroups (API key 16): versions 0-4, flexible from v3.
 *
 * Transcribed from Apache Kafka's `ListGroupsRequest.json` and `ListGroupsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** ListGroups request, versions 0-4. */
export interface ListGroupsRequest {
  /**
   * The states of the groups we want to list. If empty, all groups are returned with their state.
   * (v4+)
   */
  readonly statesFilter?: readonly string[];
}

/** ListGroups response, versions 0-4. */
export interface ListGroupsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v1+)
   */
  readonly throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** Each group in the response. */
  readonly groups: readonly ListedGroup[];
}

/** An element of `ListGroupsResponse.groups`. */
export interface ListedGroup {
  /** The group ID. */
  readonly groupId: string;
  /** The group protocol type. */
  readonly protocolType: string;
  /** The group state name. (v4+) */
  readonly groupState?: string;
}

/** The ListGroups request schema, versions 0-4. */
export const listGroupsRequestSchema = defineMessage<ListGroupsRequest>({
  name: 'ListGroupsRequest',
  apiKey: 16,
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [{ name: 'statesFilter', type: '[]string', versions: '4+' }],
});

/** The ListGroups response schema, versions 0-4. */
export const listGroupsResponseSchema = defineMessage<ListGroupsResponse>({
  name: 'ListGroupsResponse',
  apiKey: 16,
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups',
      type: '[]ListedGroup',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '4+', ignorable: true },
      ],
    },
  ],
});
