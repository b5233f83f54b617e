/**
 * SyncGroup (API key 14), versions 0-4. The leader's request carries the assignment; followers'
 * requests park until it arrives (group/membership.ts).
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import type { Handler } from '../broker-context.js';

/** Serves SyncGroup v0-4; see the module comment. */
export const syncGroupHandler: Handler<typeof ApiKey.SYNC_GROUP> = async (broker, request) => {
  const result = await broker.groups.syncGroup({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId ?? null,
    assignments: request.assignments,
  });
  return { throttleTimeMs: 0, errorCode: result.errorCode, assignment: result.assignment };
};
