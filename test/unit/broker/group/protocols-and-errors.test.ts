import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../../../core/util/error-codes.js';
import {
  GroupHarness,
  TEST_GROUP_CONFIG,
  settle,
  subscription,
} from '../../../helpers/group-harness.js';
import { MemoryOffsetsLog } from '../../../helpers/memory-offsets-log.js';

const meta = subscription(['t']);
const offering = (...names: string[]) => names.map((name) => ({ name, metadata: meta }));

describe('protocol choice in a group', () => {
  it('picks the protocol most members prefer among those all support', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { protocols: offering('range', 'roundrobin') });
    h.join('g', { protocols: offering('roundrobin', 'range') });
    h.join('g', { protocols: offering('sticky', 'roundrobin', 'range') });
    h.time.advance(200);
    await settle();
    expect(a.value.protocolName).toBe('roundrobin');
    expect(h.coordinator.describeGroup('g').state).toBe('CompletingRebalance');
  });

  it('refuses a member with no protocol in common, and the group carries on', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g', 'x', { protocols: offering('range', 'roundrobin') });
    // kafkajs calls its assignor RoundRobinAssigner: nothing in common with librdkafka's.
    const kafkajs = h.join('g', { protocols: offering('RoundRobinAssigner') });
    await settle();
    expect(kafkajs.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.state('g')).toBe('Stable');
    expect(h.heartbeat('g', a.memberId, 1)).toBe(0);
    expect(h.coordinator.describeGroup('g').members).toHaveLength(1);
  });

  it('refuses a member of another protocol type', async () => {
    const h = new GroupHarness();
    await h.stableGroupOfOne('g');
    const connect = h.join('g', { protocolType: 'connect' });
    await settle();
    expect(connect.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('refuses a first member without a protocol type or protocols, leaving no group behind', async () => {
    const h = new GroupHarness();
    const noType = h.join('g', { protocolType: '' });
    const noProtocols = h.join('g', { protocols: [] });
    await settle();
    expect(noType.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(noProtocols.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.coordinator.listGroups([]).groups).toEqual([]);
  });

  it('refuses a rejoining member whose new protocols the others lack', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { protocols: offering('range', 'roundrobin') });
    const b = h.join('g', { protocols: offering('range') });
    h.time.advance(200);
    await settle();
    const changed = h.join('g', { memberId: a.value.memberId, protocols: offering('roundrobin') });
    await settle();
    expect(changed.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(b.value.generationId).toBe(1);
    expect(h.state('g')).toBe('CompletingRebalance');
  });
});

describe('group errors', () => {
  it('refuses an empty group id with INVALID_GROUP_ID', async () => {
    const h = new GroupHarness();
    const joined = h.join('');
    await settle();
    expect(joined.value.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(h.heartbeat('', 'm', 1)).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(h.coordinator.leaveGroup('', []).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(h.coordinator.deleteGroup('')).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(h.coordinator.describeGroup('').errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(h.coordinator.deleteOffsets('', []).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('refuses session timeouts outside group.min/max.session.timeout.ms', async () => {
    const h = new GroupHarness();
    const short = h.join('g', { sessionTimeoutMs: 5_999 });
    const long = h.join('g', { sessionTimeoutMs: 1_800_001 });
    const edge = h.join('g', { sessionTimeoutMs: 6_000 });
    await settle();
    expect(short.value.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(long.value.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(edge.done).toBe(false);
  });

  it('answers members of unknown groups UNKNOWN_MEMBER_ID', async () => {
    const h = new GroupHarness();
    const joined = h.join('nope', { memberId: 'ghost' });
    const synced = h.sync('nope', 'ghost', 1);
    await settle();
    expect(joined.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(synced.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.heartbeat('nope', 'ghost', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(
      h.coordinator.leaveGroup('nope', [{ memberId: 'ghost', groupInstanceId: null }]),
    ).toEqual({
      errorCode: 0,
      members: [ErrorCode.UNKNOWN_MEMBER_ID],
    });
    expect(h.coordinator.listGroups([]).groups).toEqual([]);
  });

  it('answers strangers and stale generations of a live group', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g');
    expect(h.heartbeat('g', 'stranger', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.heartbeat('g', a.memberId, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    const stale = h.sync('g', a.memberId, 7);
    const stranger = h.join('g', { memberId: 'stranger' });
    await settle();
    expect(stale.value.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(stranger.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('caps the group at group.max.size members', async () => {
    const h = new GroupHarness({ ...TEST_GROUP_CONFIG, maxSize: 2 });
    h.join('g');
    h.join('g');
    const third = h.join('g');
    const pending = h.join('g', { requireKnownMemberId: true });
    await settle();
    expect(third.value.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(pending.value.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS for groups whose partition is still loading', async () => {
    const log = new MemoryOffsetsLog(4, { created: true });
    log.holdReads();
    const h = new GroupHarness(TEST_GROUP_CONFIG, log);
    const loaded = h.coordinator.start();
    const joined = h.join('g');
    await settle();
    expect(joined.value.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(h.heartbeat('g', 'm', 1)).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(h.coordinator.fetchOffsets('g', null).errorCode).toBe(
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );
    expect(h.coordinator.listGroups([]).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    log.releaseReads();
    await loaded;
    const again = h.join('g');
    await settle();
    expect(again.done).toBe(false);
    expect(h.coordinator.listGroups([]).errorCode).toBe(0);
  });

  it('answers NOT_COORDINATOR for groups of a partition that failed to load', async () => {
    const log = new MemoryOffsetsLog(1, { created: true });
    log.partitions[0]?.push({ key: Buffer.from([0, 2, 0, 1, 0x67]), value: Buffer.from([0xff]) });
    const h = new GroupHarness(TEST_GROUP_CONFIG, log);
    await h.coordinator.start();
    // An undecodable record is skipped, not fatal: the partition loads.
    expect(h.heartbeat('g', 'm', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

    const broken = new MemoryOffsetsLog(1, { created: true });
    broken.read = async function* () {
      await Promise.resolve();
      yield* [];
      throw new Error('disk on fire');
    };
    const h2 = new GroupHarness(TEST_GROUP_CONFIG, broken);
    await h2.coordinator.start();
    expect(h2.heartbeat('g', 'm', 1)).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
