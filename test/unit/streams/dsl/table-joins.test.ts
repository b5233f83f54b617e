import { describe, expect, it } from 'vitest';

import { Serdes, StreamsBuilder, TestDriver } from '../../../../streams/index.js';

const str = Serdes.string();
const nstr = Serdes.nullable(Serdes.string());

describe('KStream–KTable joins (TestDriver)', () => {
  function run(kind: 'join' | 'leftJoin') {
    const b = new StreamsBuilder();
    const users = b.table('users', { key: str, value: str, name: 'users-store' });
    const orders = b.stream('orders', { key: str, value: str });
    const joiner = (order: string, user: string | null) => `${order}/${user ?? '-'}`;
    (kind === 'join' ? orders.join(users, joiner) : orders.leftJoin(users, joiner)).to('out', {
      key: str,
      value: str,
    });
    const driver = new TestDriver(b.build(), { partitions: 2 });
    const u = driver.createInputTopic('users', str, nstr);
    const o = driver.createInputTopic('orders', str, str);
    o.pipeInput('u1', 'o1', { timestamp: 1 }); // no row yet
    u.pipeInput('u1', 'ann', { timestamp: 2 });
    o.pipeInput('u1', 'o2', { timestamp: 3 });
    u.pipeInput('u1', 'anna', { timestamp: 4 }); // a table update triggers nothing
    o.pipeInput('u1', 'o3', { timestamp: 5 });
    u.pipeInput('u1', null, { timestamp: 6 }); // tombstone: the row is gone
    o.pipeInput('u1', 'o4', { timestamp: 7 });
    const out = driver.createOutputTopic('out', str, str).readValuesToList();
    driver.close();
    return out;
  }

  it('inner: joins each stream record with the row current at that time; only the stream triggers', () => {
    expect(run('join')).toEqual(['o2/ann', 'o3/anna']);
  });

  it('left: a record whose key has no row joins with null', () => {
    expect(run('leftJoin')).toEqual(['o1/-', 'o2/ann', 'o3/anna', 'o4/-']);
  });

  it('materializes a table that has no store of its own (after filter)', () => {
    const b = new StreamsBuilder();
    const users = b
      .table('users', { key: str, value: str, name: 'users' })
      .filter((_k, v) => v !== 'bob');
    b.stream('orders', { key: str, value: str })
      .join(users, (o, u) => `${o}/${u}`, { name: 'orders-users' })
      .to('out', { key: str, value: str });
    const driver = new TestDriver(b.build());
    driver.createInputTopic('users', str, str).pipeKeyValues([
      ['u1', 'ann'],
      ['u2', 'bob'],
    ]);
    driver.createInputTopic('orders', str, str).pipeKeyValues([
      ['u1', 'o1'],
      ['u2', 'o2'],
    ]);
    expect(driver.createOutputTopic('out', str, str).readValuesToList()).toEqual(['o1/ann']);
    driver.close();
  });

  it('refuses a stream and a table with different partition counts', () => {
    const b = new StreamsBuilder();
    const users = b.table('users', { key: str, value: str, name: 'users' });
    b.stream('orders', { key: str, value: str })
      .join(users, (o, u) => o + u)
      .to('out');
    expect(() => new TestDriver(b.build(), { topicPartitions: { users: 2, orders: 4 } })).toThrow(
      /different partition counts/,
    );
  });
});

describe('KTable–KTable joins (TestDriver)', () => {
  function run(kind: 'inner' | 'left' | 'outer') {
    const b = new StreamsBuilder();
    const left = b.table('left', { key: str, value: str, name: 'left-store' });
    const right = b.table('right', { key: str, value: str, name: 'right-store' });
    const joiner = (l: string | null, r: string | null) => `${l ?? '-'}+${r ?? '-'}`;
    const options = { name: 'lr', value: str };
    const joined =
      kind === 'inner'
        ? left.join(right, joiner, options)
        : kind === 'left'
          ? left.leftJoin(right, joiner, options)
          : left.outerJoin(right, joiner, options);
    joined.toStream().to('out', { key: str, value: nstr });
    const driver = new TestDriver(b.build());
    const l = driver.createInputTopic('left', str, nstr);
    const r = driver.createInputTopic('right', str, nstr);
    l.pipeInput('k', 'a', { timestamp: 1 });
    r.pipeInput('k', 'x', { timestamp: 2 });
    l.pipeInput('k', 'b', { timestamp: 3 });
    r.pipeInput('k', null, { timestamp: 4 });
    l.pipeInput('k', null, { timestamp: 5 });
    r.pipeInput('j', 'y', { timestamp: 6 });
    const out = driver.createOutputTopic('out', str, nstr).readKeyValuesToList();
    driver.close();
    return out.map(([k, v]) => `${k}:${v ?? 'null'}`);
  }

  it('inner: an update of either side joins with the other side’s current row', () => {
    expect(run('inner')).toEqual(['k:a+x', 'k:b+x', 'k:null']);
  });

  it('left: every left row, with null while the right row is missing', () => {
    expect(run('left')).toEqual(['k:a+-', 'k:a+x', 'k:b+x', 'k:b+-', 'k:null']);
  });

  it('outer: every row of either side', () => {
    expect(run('outer')).toEqual(['k:a+-', 'k:a+x', 'k:b+x', 'k:b+-', 'k:null', 'j:-+y']);
  });
});
