/**
 * Heartbeat (API key 12), versions 0-4: keeps a member's session alive; REBALANCE_IN_PROGRESS
 * tells it to rejoin (group/membership.ts).
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import type { Handler } from '../broker-context.js';

/** Serves Heartbeat v0-4; see the module comment. */
export const heartbeatHandler: Handler<typeof ApiKey.HEARTBEAT> = (broker, request) => ({
  throttleTimeMs: 0,
  errorCode: broker.groups.heartbeat(
    request.groupId,
    { memberId: request.memberId, groupInstanceId: request.groupInstanceId ?? null },
    request.generationId,
  ),
});
