/**
 * The group requests that need no state machine: Heartbeat and LeaveGroup, sent to the group's
 * coordinator on the `coordinator` connection.
 */
import { ApiKey } from '../../protocol/messages/index.js';
import type { Cluster } from '../cluster.js';
import type { Generation } from './offsets.js';

const HEARTBEAT_MAX_VERSION = 4;
const LEAVE_GROUP_MAX_VERSION = 4;

/** Sends one Heartbeat; resolves with its error code. Rejects when the request fails. */
export async function sendHeartbeat(
  cluster: Cluster,
  groupId: string,
  generation: Generation,
): Promise<number> {
  const connection = await cluster.coordinatorConnection(groupId);
  const version = connection.pickVersion(ApiKey.HEARTBEAT, HEARTBEAT_MAX_VERSION);
  const response = await connection.send(ApiKey.HEARTBEAT, version, { groupId, ...generation });
  return response.errorCode;
}

/** Sends LeaveGroup for one dynamic member; resolves with its error code. */
export async function sendLeaveGroup(
  cluster: Cluster,
  groupId: string,
  memberId: string,
): Promise<number> {
  const connection = await cluster.coordinatorConnection(groupId);
  const version = connection.pickVersion(ApiKey.LEAVE_GROUP, LEAVE_GROUP_MAX_VERSION);
  const response = await connection.send(
    ApiKey.LEAVE_GROUP,
    version,
    version >= 3
      ? { groupId, members: [{ memberId, groupInstanceId: null }] }
      : { groupId, memberId },
  );
  return response.members?.[0]?.errorCode ?? response.errorCode;
}
