import { describe, expect, it } from 'vitest';

import {
  droppedRecordsOf,
  JoinWindows,
  Serdes,
  StreamsBuilder,
  TestDriver,
} from '../../../../streams/index.js';

import { joinByKind, type JoinKind } from '../../../helpers/join-kind.js';

const str = Serdes.string();

function joined(
  kind: JoinKind,
  windows: JoinWindows,
  inputs: [string, string, string, number][],
  options = {},
) {
  const b = new StreamsBuilder();
  const left = b.stream('left', { key: str, value: str });
  const right = b.stream('right', { key: str, value: str });
  const joiner = (l: string | null, r: string | null) => `${l ?? '-'}+${r ?? '-'}`;
  const opts = { name: 'lr', lateRecordsTopic: 'late', ...options };
  joinByKind(kind, left, right, joiner, windows, opts).to('out', { key: str, value: str });
  const topology = b.build();
  const driver = new TestDriver(topology);
  const topics = {
    left: driver.createInputTopic('left', str, str),
    right: driver.createInputTopic('right', str, str),
  };
  for (const [side, key, value, ts] of inputs)
    topics[side as 'left' | 'right'].pipeInput(key, value, { timestamp: ts });
  const records = driver.createOutputTopic('out', str, str).readRecordsToList();
  const late = driver.createOutputTopic('late', str, str).readValuesToList();
  driver.close();
  return {
    out: records.map((r) => `${r.key}:${r.value}@${r.timestamp}`),
    late,
    dropped: droppedRecordsOf(topology).total,
  };
}

// before = after = 5, no grace; stream time is the task's (both topics): the largest timestamp so far
const SEQUENCE: [string, string, string, number][] = [
  ['left', 'k', 'a', 10],
  ['right', 'k', 'x', 12], // joins a
  ['right', 'k', 'y', 30],
  ['left', 'k', 'b', 8], // late: its window [3, 13] closed at stream time 30
  ['left', 'k', 'c', 28], // joins y
  ['left', 'k', 'd', 40],
  ['right', 'k', 'z', 50], // closes d's window first: d is emitted unmatched
  ['left', 'k', 'e', 60], // closes z's window
];

describe('KStream–KStream windowed joins (TestDriver)', () => {
  const w = JoinWindows.ofTimeDifferenceWithNoGrace(5);

  it('inner join: out-of-order records within the window join; late ones are counted and sent to the late topic', () => {
    const r = joined('join', w, SEQUENCE);
    expect(r.out).toEqual(['k:a+x@12', 'k:c+y@30']);
    expect(r.late).toEqual(['b']);
    expect(r.dropped).toBe(1);
  });

  it('left join: unmatched left records only after their window closed, no spurious results', () => {
    expect(joined('leftJoin', w, SEQUENCE).out).toEqual(['k:a+x@12', 'k:c+y@30', 'k:d+-@40']);
  });

  it('outer join: unmatched records of both sides after their windows closed', () => {
    expect(joined('outerJoin', w, SEQUENCE).out).toEqual([
      'k:a+x@12',
      'k:c+y@30',
      'k:d+-@40',
      'k:-+z@50',
    ]);
  });

  it('accepts records within grace: an out-of-order right record still joins', () => {
    const graced = JoinWindows.ofTimeDifferenceAndGrace(5, 10);
    const r = joined('leftJoin', graced, [
      ['left', 'k', 'a', 10],
      ['left', 'q', 'n', 24], // stream time 24: a's window closes at 25
      ['right', 'k', 'x', 14], // in a's window, within grace
      ['left', 'q', 'm', 26], // closes a (matched) — nothing unmatched for k
      ['left', 'q', 'p', 80], // closes n and m (unmatched)
    ]);
    expect(r.out).toEqual(['k:a+x@14', 'q:n+-@24', 'q:m+-@26']);
  });

  it('refuses inputs with different partition counts (not co-partitioned)', () => {
    const b = new StreamsBuilder();
    b.stream('left', { key: str, value: str })
      .join(b.stream('right', { key: str, value: str }), (l, r) => l + r, w, { name: 'j' })
      .to('out');
    expect(() => new TestDriver(b.build(), { topicPartitions: { left: 2, right: 3 } })).toThrow(
      /different partition counts/,
    );
  });

  it('repartitions a side whose key changed, so equal keys meet in one task', () => {
    const b = new StreamsBuilder();
    const left = b
      .stream('left', { key: str, value: str })
      .selectKey((_k, v) => v.split(':')[0] ?? '');
    const right = b.stream('right', { key: str, value: str });
    left
      .join(right, (l, r) => `${l}|${r}`, w, {
        name: 'j',
        key: str,
        leftValue: str,
        rightValue: str,
      })
      .to('out', { key: str, value: str });
    const driver = new TestDriver(b.build(), { partitions: 4 });
    driver.createInputTopic('left', str, str).pipeInput('any', 'u1:order', { timestamp: 10 });
    driver.createInputTopic('right', str, str).pipeInput('u1', 'pay', { timestamp: 12 });
    expect(driver.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([
      ['u1', 'u1:order|pay'],
    ]);
    driver.close();
  });
});
