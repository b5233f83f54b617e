/**
 * LeaveGroup (API key 13), versions 0-4. v0-2 name one member and answer with one error code
 * (the group's, else the member's); v3+ take a batch of members, each with its own code, and a
 * static member may leave by its instance id alone.
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Handler } from '../broker-context.js';

/** The first version that batches members (KIP-345). */
const MIN_BATCHED_VERSION = 3;

/** Serves LeaveGroup v0-4; see the module comment. */
export const leaveGroupHandler: Handler<typeof ApiKey.LEAVE_GROUP> = (broker, request, ctx) => {
  const batched = ctx.header.apiVersion >= MIN_BATCHED_VERSION;
  const members = batched
    ? (request.members ?? [])
    : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
  const result = broker.groups.leaveGroup(request.groupId, members);
  if (!batched) {
    const memberError = result.members.find((code) => code !== ErrorCode.NONE);
    const errorCode = result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError;
    return { throttleTimeMs: 0, errorCode: errorCode ?? ErrorCode.NONE };
  }
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    members:
      result.errorCode !== ErrorCode.NONE
        ? []
        : members.map((m, at) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            errorCode: result.members[at] ?? ErrorCode.NONE,
          })),
  };
};
