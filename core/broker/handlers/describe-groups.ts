/**
 * DescribeGroups (API key 15), versions 0-5: each group's state, protocol and members, with
 * member metadata and assignments only while Stable (group/group-admin.ts). An unknown group is
 * described as Dead with no error (Kafka before v6); '' is INVALID_GROUP_ID. fjord has no ACLs,
 * so when authorized operations are asked for, every group operation is allowed.
 */
import type { ApiKey, DescribedGroup } from '../../protocol/messages/index.js';
import type { Handler } from '../broker-context.js';

/** Kafka's "not asked for" value of authorized_operations. */
const OPERATIONS_NOT_REQUESTED = -2_147_483_648;
/** READ (3), DELETE (6) and DESCRIBE (8): the operations on a group resource. */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

/** Serves DescribeGroups v0-5; see the module comment. */
export const describeGroupsHandler: Handler<typeof ApiKey.DESCRIBE_GROUPS> = (broker, request) => ({
  throttleTimeMs: 0,
  groups: request.groups.map((groupId): DescribedGroup => {
    const d = broker.groups.describeGroup(groupId);
    return {
      errorCode: d.errorCode,
      groupId: d.groupId,
      groupState: d.state,
      protocolType: d.protocolType,
      protocolData: d.protocolData,
      members: d.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.metadata,
        memberAssignment: m.assignment,
      })),
      authorizedOperations:
        request.includeAuthorizedOperations === true
          ? ALL_GROUP_OPERATIONS
          : OPERATIONS_NOT_REQUESTED,
    };
  }),
});
