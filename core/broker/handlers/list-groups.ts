/**
 * ListGroups (API key 16), versions 0-4: every live group with its protocol type ('' for groups
 * that only store offsets) and, from v4, its state, optionally filtered by states (any case).
 * COORDINATOR_LOAD_IN_PROGRESS while `__consumer_offsets` loads, with the groups loaded so far.
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import type { Handler } from '../broker-context.js';

/** Serves ListGroups v0-4; see the module comment. */
export const listGroupsHandler: Handler<typeof ApiKey.LIST_GROUPS> = (broker, request) => {
  const { errorCode, groups } = broker.groups.listGroups(request.statesFilter ?? []);
  return {
    throttleTimeMs: 0,
    errorCode,
    groups: groups.map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType,
      groupState: g.state,
    })),
  };
};
