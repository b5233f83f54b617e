/**
 * DeleteGroups (API key 42), versions 0-2: deletes empty groups with their committed offsets
 * (tombstones in `__consumer_offsets`); NON_EMPTY_GROUP for a group with members,
 * GROUP_ID_NOT_FOUND for an unknown one, INVALID_GROUP_ID for ''.
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import type { Handler } from '../broker-context.js';

/** Serves DeleteGroups v0-2; see the module comment. */
export const deleteGroupsHandler: Handler<typeof ApiKey.DELETE_GROUPS> = (broker, request) => ({
  throttleTimeMs: 0,
  results: request.groupsNames.map((groupId) => ({
    groupId,
    errorCode: broker.groups.deleteGroup(groupId),
  })),
});
