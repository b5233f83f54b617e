/**
 * JoinGroup (API key 11): versions 0-6, flexible from v6.
 *
 * Transcribed from Apache Kafka's `JoinGroupRequest.json` and `JoinGroupResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** JoinGroup request, versions 0-6. */
export interface JoinGroupRequest {
  /** The group identifier. */
  readonly groupId: string;
  /**
   * The coordinator considers the consumer dead if it receives no heartbeat after this timeout in
   * milliseconds.
   */
  readonly sessionTimeoutMs: number;
  /**
   * The maximum time in milliseconds that the coordinator will wait for each member to rejoin when
   * rebalancing the group. (v1+)
   */
  readonly rebalanceTimeoutMs?: number;
  /** The member id assigned by the group coordinator. */
  readonly memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v5+) */
  readonly groupInstanceId?: string | null;
  /** The unique name the for class of protocols implemented by the group we want to join. */
  readonly protocolType: string;
  /** The list of protocols that the member supports. */
  readonly protocols: readonly JoinGroupRequestProtocol[];
}

/** An element of `JoinGroupRequest.protocols`. */
export interface JoinGroupRequestProtocol {
  /** The protocol name. */
  readonly name: string;
  /** The protocol metadata. */
  readonly metadata: Buffer;
}

/** JoinGroup response, versions 0-6. */
export interface JoinGroupResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v2+)
   */
  readonly throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** The generation ID of the group. */
  readonly generationId: number;
  /** The group protocol selected by the coordinator. */
  readonly protocolName: string;
  /** The leader of the group. */
  readonly leader: string;
  /** The member ID assigned by the group coordinator. */
  readonly memberId: string;
  readonly members: readonly JoinGroupResponseMember[];
}

/** An element of `JoinGroupResponse.members`. */
export interface JoinGroupResponseMember {
  /** The group member ID. */
  readonly memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v5+) */
  readonly groupInstanceId?: string | null;
  /** The group member metadata. */
  readonly metadata: Buffer;
}

/** The JoinGroup request schema, versions 0-6. */
export const joinGroupRequestSchema = defineMessage<JoinGroupRequest>({
  name: 'JoinGroupRequest',
  apiKey: 11,
  type: 'request',
  validVersions: '0-6',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1, ignorable: true },
    { name: 'memberId', type: 'string', versions: '0+' },
    {
      name: 'groupInstanceId',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: null,
    },
    { name: 'protocolType', type: 'string', versions: '0+' },
    {
      name: 'protocols',
      type: '[]JoinGroupRequestProtocol',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
});

/** The JoinGroup response schema, versions 0-6. */
export const joinGroupResponseSchema = defineMessage<JoinGroupResponse>({
  name: 'JoinGroupResponse',
  apiKey: 11,
  type: 'response',
  validVersions: '0-6',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
    { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'leader', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    {
      name: 'members',
      type: '[]JoinGroupResponseMember',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        {
          name: 'groupInstanceId',
          type: 'string',
          versions: '5+',
          nullableVersions: '5+',
          default: null,
          ignorable: true,
        },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
});
