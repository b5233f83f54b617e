import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { subscription } from '../../helpers/group-harness.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';

function joinBody(
  groupId: string,
  memberId: string,
  overrides: Partial<JoinGroupRequest> = {},
): JoinGroupRequest {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'roundrobin', metadata: subscription(['t']) }],
    ...overrides,
  };
}

/** JoinGroup v6 the way v4+ clients do it: MEMBER_ID_REQUIRED, then again with the id. */
async function joinNew(conn: KafkaConnection, groupId: string): Promise<JoinGroupResponse> {
  const first = await conn.send(ApiKey.JOIN_GROUP, 6, joinBody(groupId, ''));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^rebalance-test-[0-9a-f-]{36}$/);
  return conn.send(ApiKey.JOIN_GROUP, 6, joinBody(groupId, first.memberId));
}

describe('group coordinator: rebalancing over the wire', () => {
  let tb: TestBroker;
  const connections: KafkaConnection[] = [];
  const connect = async (): Promise<KafkaConnection> => {
    const c = await KafkaConnection.connect('127.0.0.1', tb.port, { clientId: 'rebalance-test' });
    connections.push(c);
    return c;
  };

  beforeAll(async () => {
    tb = await startTestBroker({
      'offsets.topic.num.partitions': '3',
      'group.initial.rebalance.delay.ms': '200',
      'group.min.session.timeout.ms': '500',
    });
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await tb.close();
  });

  it('forms a generation of two members; the follower waits in SyncGroup for the leader', async () => {
    const [a, b] = [await connect(), await connect()];
    const [ja, jb] = await Promise.all([joinNew(a, 'pair'), joinNew(b, 'pair')]);
    expect(ja.generationId).toBe(1);
    expect(jb.generationId).toBe(1);
    expect(ja.protocolName).toBe('roundrobin');
    const [leader, follower] =
      ja.leader === ja.memberId
        ? [
            { c: a, j: ja },
            { c: b, j: jb },
          ]
        : [
            { c: b, j: jb },
            { c: a, j: ja },
          ];
    expect(leader.j.members.map((m) => m.memberId).sort()).toEqual(
      [ja.memberId, jb.memberId].sort(),
    );
    expect(follower.j.members).toEqual([]);

    let followerDone = false;
    const followerSync = follower.c
      .send(ApiKey.SYNC_GROUP, 4, {
        groupId: 'pair',
        generationId: 1,
        memberId: follower.j.memberId,
        groupInstanceId: null,
        assignments: [],
      })
      .then((r) => {
        followerDone = true;
        return r;
      });
    // The follower's SyncGroup parks without holding anything else up.
    const hb = await leader.c.send(ApiKey.HEARTBEAT, 4, {
      groupId: 'pair',
      generationId: 1,
      memberId: leader.j.memberId,
      groupInstanceId: null,
    });
    expect(hb.errorCode).toBe(0);
    expect(followerDone).toBe(false);
    const leaderSync = await leader.c.send(ApiKey.SYNC_GROUP, 4, {
      groupId: 'pair',
      generationId: 1,
      memberId: leader.j.memberId,
      groupInstanceId: null,
      assignments: [
        { memberId: leader.j.memberId, assignment: Buffer.from('L') },
        { memberId: follower.j.memberId, assignment: Buffer.from('F') },
      ],
    });
    expect(leaderSync).toEqual({ throttleTimeMs: 0, errorCode: 0, assignment: Buffer.from('L') });
    expect(await followerSync).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      assignment: Buffer.from('F'),
    });

    for (let version = 0; version <= 5; version++) {
      const described = await a.send(ApiKey.DESCRIBE_GROUPS, version, {
        groups: ['pair', 'unknown'],
        includeAuthorizedOperations: version >= 3,
      });
      expect(described.groups[0]).toEqual(
        expect.objectContaining({
          errorCode: 0,
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'roundrobin',
        }),
      );
      expect(
        described.groups[0]?.members
          .map((m) => [m.clientId, m.clientHost, m.memberAssignment.toString()])
          .sort(),
      ).toEqual([
        ['rebalance-test', '/127.0.0.1', 'F'],
        ['rebalance-test', '/127.0.0.1', 'L'],
      ]);
      expect(described.groups[1]).toEqual(
        expect.objectContaining({ errorCode: 0, groupState: 'Dead', members: [] }),
      );
    }
    const listed = await a.send(ApiKey.LIST_GROUPS, 4, { statesFilter: ['stable'] });
    expect(listed.groups).toContainEqual({
      groupId: 'pair',
      protocolType: 'consumer',
      groupState: 'Stable',
    });
    const none = await a.send(ApiKey.LIST_GROUPS, 4, { statesFilter: ['Empty'] });
    expect(none.groups.find((g) => g.groupId === 'pair')).toBeUndefined();
    const v0 = await a.send(ApiKey.LIST_GROUPS, 0, {});
    expect(v0.groups).toContainEqual({ groupId: 'pair', protocolType: 'consumer', groupState: '' });

    // The follower leaves (v0-2: one member); the leader learns it from its heartbeat.
    const left = await follower.c.send(ApiKey.LEAVE_GROUP, 2, {
      groupId: 'pair',
      memberId: follower.j.memberId,
    });
    expect(left.errorCode).toBe(0);
    const told = await leader.c.send(ApiKey.HEARTBEAT, 3, {
      groupId: 'pair',
      generationId: 1,
      memberId: leader.j.memberId,
      groupInstanceId: null,
    });
    expect(told.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await leader.c.send(ApiKey.JOIN_GROUP, 6, joinBody('pair', leader.j.memberId));
    expect(rejoined).toEqual(expect.objectContaining({ errorCode: 0, generationId: 2 }));
    // v3+ leave: a batch with a code per member.
    const batch = await leader.c.send(ApiKey.LEAVE_GROUP, 4, {
      groupId: 'pair',
      members: [
        { memberId: leader.j.memberId, groupInstanceId: null },
        { memberId: 'ghost', groupInstanceId: null },
      ],
    });
    expect(batch).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      members: [
        { memberId: leader.j.memberId, groupInstanceId: null, errorCode: 0 },
        { memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
  });

  it('processes requests pipelined behind a parked JoinGroup, and answers them in order', async () => {
    const conn = await connect();
    const [a, b] = await Promise.all([joinNew(conn, 'piped'), joinNew(await connect(), 'piped')]);
    const leader = a.leader === a.memberId ? a : b;
    await conn.send(ApiKey.SYNC_GROUP, 4, {
      groupId: 'piped',
      generationId: 1,
      memberId: leader.memberId,
      groupInstanceId: null,
      assignments: [],
    });
    // Both members rejoin on one connection. Were requests handled one at a time, the first
    // JoinGroup would wait for the second until the 20 s rebalance timeout.
    const started = performance.now();
    const order: string[] = [];
    const first = conn
      .send(
        ApiKey.JOIN_GROUP,
        6,
        joinBody('piped', a.memberId, {
          protocols: [{ name: 'roundrobin', metadata: subscription(['t', 'u']) }],
        }),
      )
      .then((r) => {
        order.push('first');
        return r;
      });
    const second = conn.send(ApiKey.JOIN_GROUP, 6, joinBody('piped', b.memberId)).then((r) => {
      order.push('second');
      return r;
    });
    const [ra, rb] = await Promise.all([first, second]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(order).toEqual(['first', 'second']);
    expect(ra.generationId).toBe(2);
    expect(rb.generationId).toBe(2);
  });

  it('keeps other connections served while a JoinGroup is parked', async () => {
    const parkedConn = await connect();
    let answered = false;
    const parked = parkedConn.send(ApiKey.JOIN_GROUP, 3, joinBody('slow', '')).then((r) => {
      answered = true;
      return r;
    });
    const other = await connect();
    const metadata = await other.send(ApiKey.METADATA, 9, {
      topics: [],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(metadata.brokers).toHaveLength(1);
    expect(answered).toBe(false);
    // v3: no MEMBER_ID_REQUIRED; the initial delay ends the join phase.
    expect((await parked).errorCode).toBe(0);
  });

  it('expires a member that stops heartbeating and rebalances the group', async () => {
    const [a, b] = [await connect(), await connect()];
    const body = { sessionTimeoutMs: 600 };
    const ja0 = await a.send(ApiKey.JOIN_GROUP, 6, joinBody('expiring', '', body));
    const jb0 = await b.send(ApiKey.JOIN_GROUP, 6, joinBody('expiring', '', body));
    const [ja, jb] = await Promise.all([
      a.send(ApiKey.JOIN_GROUP, 6, joinBody('expiring', ja0.memberId, body)),
      b.send(ApiKey.JOIN_GROUP, 6, joinBody('expiring', jb0.memberId, body)),
    ]);
    const members = [ja, jb];
    for (const [conn, j] of [
      [a, ja],
      [b, jb],
    ] as const) {
      void conn.send(ApiKey.SYNC_GROUP, 4, {
        groupId: 'expiring',
        generationId: 1,
        memberId: j.memberId,
        groupInstanceId: null,
        assignments: members.map((m) => ({ memberId: m.memberId, assignment: Buffer.from('x') })),
      });
    }
    // a heartbeats; b went quiet. Within a few sessions a hears about the rebalance.
    let code = 0;
    for (let i = 0; i < 40 && code === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      code = (
        await a.send(ApiKey.HEARTBEAT, 4, {
          groupId: 'expiring',
          generationId: 1,
          memberId: ja.memberId,
          groupInstanceId: null,
        })
      ).errorCode;
    }
    expect(code).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await a.send(ApiKey.JOIN_GROUP, 6, joinBody('expiring', ja.memberId, body));
    expect(rejoined.members.map((m) => m.memberId)).toEqual([ja.memberId]);
    const late = await b.send(ApiKey.HEARTBEAT, 4, {
      groupId: 'expiring',
      generationId: 1,
      memberId: jb.memberId,
      groupInstanceId: null,
    });
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('refuses session timeouts outside the broker limits and empty group ids', async () => {
    const conn = await connect();
    const short = await conn.send(
      ApiKey.JOIN_GROUP,
      6,
      joinBody('limits', '', { sessionTimeoutMs: 100 }),
    );
    expect(short.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    const empty = await conn.send(ApiKey.JOIN_GROUP, 6, joinBody('', ''));
    expect(empty.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    const mixed = await conn.send(ApiKey.JOIN_GROUP, 2, {
      ...joinBody('pair-proto', ''),
      protocolType: '',
    });
    expect(mixed.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });
});

describe('a broker stopping with a JoinGroup parked', () => {
  it('answers it NOT_COORDINATOR at once instead of waiting out the rebalance', async () => {
    const tb = await startTestBroker({ 'group.initial.rebalance.delay.ms': '60000' });
    const conn = await KafkaConnection.connect('127.0.0.1', tb.port);
    const parked = conn.send(ApiKey.JOIN_GROUP, 3, joinBody('parked', ''));
    // Wait, on another connection, until the JoinGroup is parked in the rebalance.
    const watcher = await KafkaConnection.connect('127.0.0.1', tb.port);
    let state = '';
    while (state !== 'PreparingRebalance') {
      const described = await watcher.send(ApiKey.DESCRIBE_GROUPS, 5, {
        groups: ['parked'],
        includeAuthorizedOperations: false,
      });
      state = described.groups[0]?.groupState ?? '';
    }
    await watcher.close();
    const started = performance.now();
    const closing = tb.close();
    expect((await parked).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    await closing;
    expect(performance.now() - started).toBeLessThan(4_000);
    await conn.close();
  });
});
