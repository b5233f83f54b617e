import { describe, expect, it } from 'vitest';

import { partitionForKey } from '../../../../core/index.js';
import {
  Serdes,
  StreamsBuilder,
  StreamsError,
  TestDriver,
  type ProcessorContext,
  type StreamRecord,
} from '../../../../streams/index.js';

const s = Serdes.string();
const n = Serdes.int32();

/** Counts per task; reports init/close; emits its count each 1000 ms of wall-clock time. */
function countingTopology(events: string[]): StreamsBuilder {
  const b = new StreamsBuilder();
  b.stream('in', { key: Serdes.nullable(s), value: n })
    .process<string, number>(() => {
      let ctx: ProcessorContext<string, number> | undefined;
      let count = 0;
      let name = '';
      return {
        init: (c) => {
          ctx = c;
          name = `${c.taskId.subtopology}_${c.taskId.partition}`;
          events.push(`init ${name}`);
          c.schedule(1000, 'wall-clock', (ts) => {
            ctx?.forward({ key: name, value: count, headers: {}, timestamp: ts });
          });
        },
        process: (r: StreamRecord<string | null, number>) => {
          count += r.value;
        },
        close: () => {
          events.push(`close ${name}`);
        },
      };
    })
    .to('counts', { key: s, value: n });
  return b;
}

describe('TestDriver with several partitions', () => {
  it('runs one task per partition and places keyed records by murmur2 of the key', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n }).to('out');
    const driver = new TestDriver(b.build(), { partitions: 4 });
    expect(driver.taskNames()).toEqual(['0_0', '0_1', '0_2', '0_3']);
    const input = driver.createInputTopic('in', s, n);
    const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
    keys.forEach((k, i) => {
      input.pipeInput(k, i);
    });
    const out = driver.createOutputTopic('out', s, n).readRecordsToList();
    for (const r of out) expect(r.partition).toBe(partitionForKey(Buffer.from(r.key), 4));
    // offsets count per partition
    const p0 = out.filter((r) => r.partition === 0).map((r) => r.offset);
    expect(p0).toEqual(p0.map((_, i) => i));
  });

  it('spreads null keys round-robin and honours an explicit partition', () => {
    const events: string[] = [];
    const driver = new TestDriver(countingTopology(events).build(), { partitions: 3 });
    const input = driver.createInputTopic('in', Serdes.nullable(s), n);
    input.pipeRecords([
      { key: null, value: 1 },
      { key: null, value: 2 },
      { key: null, value: 4 },
      { key: null, value: 8 },
      { key: 'x', value: 16, partition: 2 },
    ]);
    driver.advanceWallClockTime(1000);
    expect(driver.createOutputTopic('counts', s, n).readKeyValuesToList()).toEqual([
      ['0_0', 9],
      ['0_1', 2],
      ['0_2', 20],
    ]);
  });

  it('gives each input topic auto-advancing timestamps when asked', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n }).to('out');
    const driver = new TestDriver(b.build(), { initialWallClockMs: 5 });
    const plain = driver.createInputTopic('in', s, n);
    plain.pipeInput('a', 1);
    const stepping = driver.createInputTopic('in', s, n, { startMs: 100, autoAdvanceMs: 10 });
    stepping.pipeKeyValues([
      ['b', 2],
      ['c', 3],
    ]);
    stepping.pipeInput('d', 4, { timestamp: 1 });
    expect(
      driver
        .createOutputTopic('out', s, n)
        .readRecordsToList()
        .map((r) => r.timestamp),
    ).toEqual([5, 100, 110, 1]);
    expect(driver.streamTimeMs('0_0')).toBe(110);
  });

  it('refuses topics the topology does not read and reads from empty topics', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n }).to('out');
    const driver = new TestDriver(b.build());
    expect(() => driver.createInputTopic('other', s, n)).toThrow(/reads no topic other/);
    expect(() => driver.createOutputTopic('out', s, n).readRecord()).toThrow(StreamsError);
    driver.close();
    expect(() => {
      driver.advanceWallClockTime(1);
    }).toThrow(/closed/);
  });

  it('refuses co-partitioned inputs with different partition counts', () => {
    const b = new StreamsBuilder();
    b.stream('a', { key: s, value: n })
      .merge(b.stream('b', { key: s, value: n }))
      .to('out');
    expect(() => new TestDriver(b.build(), { partitions: 2, topicPartitions: { b: 3 } })).toThrow(
      /different partition counts/,
    );
  });
});

describe('TestDriver rebalance simulation', () => {
  it('closes and re-creates every task: processors re-initialised, punctuators rescheduled', () => {
    const events: string[] = [];
    const driver = new TestDriver(countingTopology(events).build(), { partitions: 2 });
    expect(events).toEqual(['init 0_0', 'init 0_1']);
    const input = driver.createInputTopic('in', Serdes.nullable(s), n);
    input.pipeInput(null, 5, { partition: 0 });
    driver.advanceWallClockTime(600);
    events.length = 0;
    expect(driver.rebalance()).toEqual(['0_0', '0_1']);
    expect(events).toEqual(['close 0_0', 'init 0_0', 'close 0_1', 'init 0_1']);
    // the new punctuator is due 1000 ms after the rebalance, not at the old schedule
    driver.advanceWallClockTime(400);
    const counts = driver.createOutputTopic('counts', s, n);
    expect(counts.isEmpty()).toBe(true);
    driver.advanceWallClockTime(600);
    // the in-memory count of the old processor is gone (state stores arrive with the next issue)
    expect(counts.readKeyValuesToList()).toEqual([
      ['0_0', 0],
      ['0_1', 0],
    ]);
  });

  it('moves only the listed tasks; the others keep running untouched', () => {
    const events: string[] = [];
    const driver = new TestDriver(countingTopology(events).build(), { partitions: 3 });
    const input = driver.createInputTopic('in', Serdes.nullable(s), n);
    input.pipeInput('k', 7, { partition: 1, timestamp: 50 });
    input.pipeInput('k', 3, { partition: 2, timestamp: 60 });
    events.length = 0;
    expect(driver.simulateRebalance({ moved: ['0_1', { subtopology: 0, partition: 2 }] })).toEqual([
      '0_1',
      '0_2',
    ]);
    expect(events).toEqual(['close 0_1', 'init 0_1', 'close 0_2', 'init 0_2']);
    // stream time survives the move (a move commits it with the offsets)
    expect(driver.streamTimeMs('0_1')).toBe(50);
    input.pipeInput('k', 1, { partition: 1 });
    driver.advanceWallClockTime(1000);
    expect(driver.createOutputTopic('counts', s, n).readKeyValuesToList()).toEqual([
      ['0_0', 0],
      ['0_1', 1],
      ['0_2', 0],
    ]);
    expect(() => driver.simulateRebalance({ moved: ['9_9'] })).toThrow(/no task 9_9/);
  });

  it('keeps processing across a rebalance in a repartitioned topology', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n })
      .selectKey((_k, v) => `k${v % 3}`)
      .repartition({ name: 'r' })
      .to('out');
    const driver = new TestDriver(b.build(), { partitions: 2 });
    const input = driver.createInputTopic('in', s, n);
    input.pipeInput('a', 1);
    driver.rebalance();
    input.pipeInput('b', 2);
    expect(driver.createOutputTopic('out', s, n).readKeyValuesToList()).toEqual([
      ['k1', 1],
      ['k2', 2],
    ]);
    expect(driver.taskNames()).toHaveLength(4);
  });
});
