import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import type { Assignor } from '../../../core/client/consumer/assignors/assignor.js';
import { Consumer } from '../../../core/client/consumer/consumer.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';

/** What streams rely on in the consumer: metadata committed with offsets, assignment userData. */
describe('Consumer commit metadata and assignment userData', () => {
  let broker: TestBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = await Admin.connect(broker.bootstrap);
  });
  afterAll(async () => {
    await admin.close();
    await broker.close();
  });

  it('commits a metadata string with an offset and reads both back with committed()', async () => {
    await admin.createTopic('meta-t', 2, 1);
    const c = new Consumer({ bootstrap: broker.bootstrap, groupId: 'meta-g' });
    try {
      await c.commit([
        { topic: 'meta-t', partition: 0, offset: 5, metadata: 'pt=42' },
        { topic: 'meta-t', partition: 1, offset: 7 },
      ]);
      const got = await c.committed([
        { topic: 'meta-t', partition: 0 },
        { topic: 'meta-t', partition: 1 },
      ]);
      expect(got.sort((a, b) => a.partition - b.partition)).toEqual([
        { topic: 'meta-t', partition: 0, offset: 5, metadata: 'pt=42' },
        { topic: 'meta-t', partition: 1, offset: 7, metadata: '' },
      ]);
    } finally {
      await c.close();
    }
  });

  it('passes each member’s subscription userData to the leader’s assignor, and hands back the assignment userData', async () => {
    await admin.createTopic('ud-t', 1, 1);
    const assignor: Assignor = {
      name: 'with-user-data',
      protocols: ['EAGER'],
      assign: (members, counts) =>
        new Map(
          members.map((m, i) => [
            m.memberId,
            i === 0
              ? Array.from({ length: counts.get('ud-t') ?? 0 }, (_, p) => ({
                  topic: 'ud-t',
                  partition: p,
                }))
              : [],
          ]),
        ),
      assignmentUserData: (memberId) => Buffer.from(`for ${memberId}`),
      subscriptionUserData: (topics) => Buffer.from(`wants ${topics.join(',')}`),
    };
    const reported: (string | undefined)[] = [];
    const assign = assignor.assign.bind(assignor);
    assignor.assign = (members, counts) => {
      reported.push(...members.map((m) => m.userData?.toString()));
      return assign(members, counts);
    };
    let seen: Buffer | null = null;
    const assigned = new AbortController();
    const c = new Consumer({
      bootstrap: broker.bootstrap,
      groupId: 'ud-g',
      assignors: [assignor],
      listeners: {
        onAssigned: () => {
          seen = c.assignmentUserData();
          assigned.abort(); // ends the poll below: the assignment is what this test waits for
        },
      },
    });
    try {
      c.subscribe(['ud-t']);
      await c.poll(assigned.signal);
      expect(String(seen)).toMatch(/^for /);
      expect(reported).toEqual(['wants ud-t']); // the member's subscription userData
    } finally {
      await c.close();
    }
  });
});
