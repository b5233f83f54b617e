/**
 * JoinGroup (API key 11), versions 0-6. The request parks until the group's rebalance answers it
 * (group/join-group.ts); v4+ members without an id first get MEMBER_ID_REQUIRED with one, v5+
 * may be static (group.instance.id). v0 has no rebalance timeout: the session timeout serves as
 * one, as in Kafka. The client host is reported as Kafka does, with a leading slash.
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import type { Handler } from '../broker-context.js';

/** The first version whose members must rejoin with a coordinator-assigned id (KIP-394). */
const MIN_MEMBER_ID_REQUIRED_VERSION = 4;

/** Serves JoinGroup v0-6; see the module comment. */
export const joinGroupHandler: Handler<typeof ApiKey.JOIN_GROUP> = async (broker, request, ctx) => {
  const version = ctx.header.apiVersion;
  const rebalanceTimeoutMs = request.rebalanceTimeoutMs ?? -1;
  const result = await broker.groups.joinGroup({
    groupId: request.groupId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId ?? null,
    clientId: ctx.header.clientId ?? '',
    clientHost: `/${ctx.clientHost}`,
    sessionTimeoutMs: request.sessionTimeoutMs,
    rebalanceTimeoutMs: rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : rebalanceTimeoutMs,
    protocolType: request.protocolType,
    protocols: request.protocols,
    requireKnownMemberId: version >= MIN_MEMBER_ID_REQUIRED_VERSION,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolName: result.protocolName ?? '',
    leader: result.leaderId,
    memberId: result.memberId,
    members: result.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata,
    })),
  };
};
