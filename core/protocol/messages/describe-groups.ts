/**
 * DescribeGroups (API key 15): versions 0-5, flexible from v5.
 *
 * Transcribed from Apache Kafka's `DescribeGroupsRequest.json` and `DescribeGroupsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** DescribeGroups request, versions 0-5. */
export interface DescribeGroupsRequest {
  /** The names of the groups to describe */
  readonly groups: readonly string[];
  /** Whether to include authorized operations. (v3+) */
  readonly includeAuthorizedOperations?: boolean;
}

/** DescribeGroups response, versions 0-5. */
export interface DescribeGroupsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v1+)
   */
  readonly throttleTimeMs?: number;
  /** Each described group. */
  readonly groups: readonly DescribedGroup[];
}

/** An element of `DescribeGroupsResponse.groups`. */
export interface DescribedGroup {
  /** The describe error, or 0 if there was no error. */
  readonly errorCode: number;
  /** The group ID string. */
  readonly groupId: string;
  /** The group state string, or the empty string. */
  readonly groupState: string;
  /** The group protocol type, or the empty string. */
  readonly protocolType: string;
  /** The group protocol data, or the empty string. */
  readonly protocolData: string;
  /** The group members. */
  readonly members: readonly DescribedGroupMember[];
  /** 32-bit bitfield to represent authorized operations for this group. (v3+) */
  readonly authorizedOperations?: number;
}

/** An element of `DescribedGroup.members`. */
export interface DescribedGroupMember {
  /** The member ID assigned by the group coordinator. */
  readonly memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v4+) */
  readonly groupInstanceId?: string | null;
  /** The client ID used in the member's latest join group request. */
  readonly clientId: string;
  /** The client host. */
  readonly clientHost: string;
  /** The metadata corresponding to the current group protocol in use. */
  readonly memberMetadata: Buffer;
  /** The current assignment provided by the group leader. */
  readonly memberAssignment: Buffer;
}

/** The DescribeGroups request schema, versions 0-5. */
export const describeGroupsRequestSchema = defineMessage<DescribeGroupsRequest>({
  name: 'DescribeGroupsRequest',
  apiKey: 15,
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'groups', type: '[]string', versions: '0+' },
    { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
});

/** The DescribeGroups response schema, versions 0-5. */
export const describeGroupsResponseSchema = defineMessage<DescribeGroupsResponse>({
  name: 'DescribeGroupsResponse',
  apiKey: 15,
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'groups',
      type: '[]DescribedGroup',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'protocolData', type: 'string', versions: '0+' },
        {
          name: 'members',
          type: '[]DescribedGroupMember',
          versions: '0+',
          fields: [
            { name: 'memberId', type: 'string', versions: '0+' },
            {
              name: 'groupInstanceId',
              type: 'string',
              versions: '4+',
              nullableVersions: '4+',
              default: null,
              ignorable: true,
            },
            { name: 'clientId', type: 'string', versions: '0+' },
            { name: 'clientHost', type: 'string', versions: '0+' },
            { name: 'memberMetadata', type: 'bytes', versions: '0+' },
            { name: 'memberAssignment', type: 'bytes', versions: '0+' },
          ],
        },
        { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
      ],
    },
  ],
});
