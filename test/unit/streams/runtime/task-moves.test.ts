import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../../../core/index.js';
import {
  BufferConfig,
  createErrorHandling,
  droppedRecordsOf,
  JoinWindows,
  Serdes,
  Stores,
  StreamsBuilder,
  Suppressed,
  TestDriver,
  TimeWindows,
  WindowedSerdes,
  type KeyValueStore,
  type ProcessorContext,
  type StreamRecord,
  type Windowed,
} from '../../../../streams/index.js';

const str = Serdes.string();
const nstr = Serdes.nullable(Serdes.string());
const nlong = Serdes.nullable(Serdes.int64());

function show(records: readonly { key: Windowed<string>; value: number | null }[]): string[] {
  return records.map(
    (r) => `${r.key.key}@${r.key.window.startMs}-${r.key.window.endMs}=${r.value ?? 'null'}`,
  );
}

/** A processor counting records in store `seen`; its init() reports how many it found. */
function seenTopology(inits: number[]) {
  const b = new StreamsBuilder();
  b.addStateStore(Stores.keyValueStoreBuilder('seen', str, Serdes.int64()));
  b.stream('in', { key: str, value: str }).process(
    () => {
      let store: KeyValueStore<string, number> | undefined;
      return {
        init(ctx: ProcessorContext<string, string>) {
          store = ctx.getStateStore<KeyValueStore<string, number>>('seen');
          inits.push(store.get('n') ?? 0);
        },
        process(_r: StreamRecord<string, string>) {
          store?.put('n', (store.get('n') ?? 0) + 1);
        },
      };
    },
    { stores: ['seen'] },
  );
  return b.build();
}

describe('restore before init', () => {
  it('a processor’s init() sees its store restored after a move', () => {
    const inits: number[] = [];
    const driver = new TestDriver(seenTopology(inits));
    const input = driver.createInputTopic('in', str, str);
    for (const k of ['a', 'b', 'c']) input.pipeInput(k, k);
    driver.simulateRebalance();
    expect(inits).toEqual([0, 3]);
    driver.close();
  });

  it('a created task has its stores but no processors until initialize()', () => {
    const inits: number[] = [];
    const topology = seenTopology(inits);
    const collector = { pending: 0, send: () => undefined, flush: () => Promise.resolve() };
    const errors = createErrorHandling({ logger: silentLogger, collector, wallClockMs: () => 0 });
    const env = {
      applicationId: 'app',
      collector,
      errors,
      logger: silentLogger,
      wallClockMs: () => 0,
    };
    const task = topology.createTask({ subtopology: 0, partition: 0 }, env);
    expect(task.stateStores?.map((s) => s.name)).toEqual(['seen']);
    expect(inits).toEqual([]);
    const record = {
      topic: 'in',
      partition: 0,
      offset: 0,
      timestamp: 1,
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: [],
    };
    expect(() => {
      task.process(record);
    }).toThrow(/restoring/);
    task.initialize?.(new Map([['in', 40]]));
    expect(inits).toEqual([0]);
    expect(task.streamTimeMs).toBe(40);
    task.process(record);
    task.close();
  });
});

describe('stream time across task moves', () => {
  it('a record older than the window close stays late after the task moved', () => {
    const b = new StreamsBuilder();
    b.stream('clicks', { key: str, value: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ name: 'c' })
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .to('counts');
    const topology = b.build();
    const driver = new TestDriver(topology);
    const input = driver.createInputTopic('clicks', str, str);
    const counts = driver.createOutputTopic('counts', WindowedSerdes.timeWindowed(str, 10), nlong);
    input.pipeInput('a', 'x', { timestamp: 5 });
    input.pipeInput('a', 'x', { timestamp: 12 });
    expect(show(counts.readRecordsToList())).toEqual(['a@0-10=1']);
    driver.simulateRebalance();
    expect(driver.streamTimeMs('0_0')).toBe(12);
    input.pipeInput('a', 'x', { timestamp: 3 }); // window [0,10) closed at 10: late
    expect(droppedRecordsOf(topology).total).toBe(1);
    input.pipeInput('a', 'x', { timestamp: 25 });
    expect(show(counts.readRecordsToList())).toEqual(['a@10-20=1']);
    driver.close();
  });
});

describe('changelogged operator buffers survive a move', () => {
  it('suppress: a buffered window emits its final result after the task moved', () => {
    const b = new StreamsBuilder();
    b.stream('clicks', { key: str, value: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ name: 'c' })
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded(), 'final-c'))
      .toStream()
      .to('counts');
    const driver = new TestDriver(b.build(), { applicationId: 'app' });
    const input = driver.createInputTopic('clicks', str, str);
    const counts = driver.createOutputTopic('counts', WindowedSerdes.timeWindowed(str, 10), nlong);
    input.pipeInput('a', 'x', { timestamp: 5 });
    input.pipeInput('a', 'x', { timestamp: 7 });
    input.pipeInput('b', 'x', { timestamp: 8 });
    expect(counts.isEmpty()).toBe(true);
    const changelog = driver.createOutputTopic('app-final-c-store-changelog', str, nstr);
    expect(changelog.queueSize()).toBeGreaterThan(0);
    driver.simulateRebalance();
    input.pipeInput('c', 'x', { timestamp: 15 });
    expect(show(counts.readRecordsToList())).toEqual(['a@0-10=2', 'b@0-10=1']);
    // emitted entries are deleted from the buffer's store: another move emits nothing again
    driver.simulateRebalance();
    input.pipeInput('c', 'x', { timestamp: 30 });
    expect(show(counts.readRecordsToList())).toEqual(['c@10-20=1']);
    driver.close();
  });

  it('left join: an unmatched record held back is emitted after the task moved', () => {
    const b = new StreamsBuilder();
    const left = b.stream('left', { key: str, value: str });
    const right = b.stream('right', { key: str, value: str });
    left
      .leftJoin(
        right,
        (l, r) => `${l}+${r ?? 'null'}`,
        JoinWindows.ofTimeDifferenceWithNoGrace(5),
        {
          name: 'lr',
        },
      )
      .to('out', { key: str, value: str });
    const driver = new TestDriver(b.build(), { applicationId: 'app' });
    const l = driver.createInputTopic('left', str, str);
    const r = driver.createInputTopic('right', str, str);
    const out = driver.createOutputTopic('out', str, str);
    l.pipeInput('k', 'l1', { timestamp: 10 });
    l.pipeInput('j', 'l2', { timestamp: 11 });
    expect(out.isEmpty()).toBe(true);
    driver.simulateRebalance();
    r.pipeInput('j', 'r2', { timestamp: 12 }); // joins l2 (in the window store)
    r.pipeInput('z', 'r9', { timestamp: 30 }); // closes k's and j's windows
    expect(out.readKeyValuesToList()).toEqual([
      ['j', 'l2+r2'],
      ['k', 'l1+null'],
    ]);
    driver.close();
  });
});
