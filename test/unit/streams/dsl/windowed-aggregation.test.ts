import { describe, expect, it } from 'vitest';

import {
  BufferConfig,
  droppedRecordsOf,
  LATE_RECORD_HEADERS,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TestDriver,
  TimeWindows,
  WindowedSerdes,
  type Windowed,
} from '../../../../streams/index.js';

const str = Serdes.string();

function show(records: readonly { key: Windowed<string>; value: number | null }[]): string[] {
  return records.map(
    (r) => `${r.key.key}@${r.key.window.startMs}-${r.key.window.endMs}=${r.value ?? 'null'}`,
  );
}

/** a@1, a@12, a@3 (in grace), a@16, a@4 (late: [0,10) closed at 15), a@14, b@30 */
const OUT_OF_ORDER: [string, number][] = [
  ['a', 1],
  ['a', 12],
  ['a', 3],
  ['a', 16],
  ['a', 4],
  ['a', 14],
  ['b', 30],
];

function tumblingCounts(suppress: boolean) {
  const b = new StreamsBuilder();
  const grouped = b.stream('clicks', { key: str, value: str }).groupByKey();
  let table = grouped.windowedBy(TimeWindows.ofSizeAndGrace(10, 5)).count({
    name: 'clicks-per-10ms',
    lateRecordsTopic: 'late-clicks',
  });
  if (suppress) table = table.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
  table.toStream().to('counts');
  const topology = b.build();
  const driver = new TestDriver(topology);
  const input = driver.createInputTopic('clicks', str, str);
  for (const [k, ts] of OUT_OF_ORDER) input.pipeInput(k, `${k}${ts}`, { timestamp: ts });
  const counts = driver.createOutputTopic(
    'counts',
    WindowedSerdes.timeWindowed(str, 10),
    Serdes.int64(),
  );
  return { driver, topology, counts: show(counts.readRecordsToList()) };
}

describe('windowed count over tumbling windows', () => {
  it('updates each window on every record within grace and drops the late one', () => {
    const { counts, driver, topology } = tumblingCounts(false);
    expect(counts).toEqual([
      'a@0-10=1',
      'a@10-20=1',
      'a@0-10=2',
      'a@10-20=2',
      'a@10-20=3',
      'b@30-40=1',
    ]);
    expect(droppedRecordsOf(topology).total).toBe(1);
    const late = driver.createOutputTopic('late-clicks', str, str).readRecordsToList();
    expect(late.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 'a4', 4]]);
    const h = late[0]?.headers ?? {};
    expect(h[LATE_RECORD_HEADERS.streamTime]?.toString()).toBe('16');
    expect(h[LATE_RECORD_HEADERS.reason]?.toString()).toBe('window closed');
    expect(h[LATE_RECORD_HEADERS.topic]?.toString()).toBe('clicks');
    expect(h[LATE_RECORD_HEADERS.offset]?.toString()).toBe('4');
    driver.close();
  });

  it('with suppress(untilWindowCloses) emits exactly one final result per window after end + grace', () => {
    const { counts, driver } = tumblingCounts(true);
    // [0,10) closes at stream time 15 (a@16), [10,20) at 25 (b@30); [30,40) is still open
    expect(counts).toEqual(['a@0-10=2', 'a@10-20=3']);
    driver.close();
  });

  it('writes the changelog of its window store', () => {
    const { driver } = tumblingCounts(false);
    const changelog = driver.createOutputTopic(
      'test-driver-clicks-per-10ms-changelog',
      Serdes.bytes(),
      Serdes.bytes(),
    );
    expect(changelog.queueSize()).toBe(6);
    driver.close();
  });
});

describe('windowed aggregations over hopping, sliding and session windows', () => {
  it('sums over hopping windows', () => {
    const b = new StreamsBuilder();
    const grouped = b.stream('in', { key: str, value: Serdes.int32() }).groupByKey();
    grouped
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
      .aggregate(
        () => 0,
        (_k, v, sum) => sum + v,
        { name: 'sums', value: Serdes.int32() },
      )
      .suppress(Suppressed.untilWindowCloses(BufferConfig.maxRecords(100).shutDownWhenFull()))
      .toStream()
      .to('out');
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('in', str, Serdes.int32());
    input.pipeInput('k', 1, { timestamp: 7 }); // [0,10) [5,15)
    input.pipeInput('k', 2, { timestamp: 12 }); // [5,15) [10,20)
    input.pipeInput('k', 4, { timestamp: 8 }); // [0,10) is closed at 12 (late for it), [5,15)
    input.pipeInput('k', 8, { timestamp: 30 }); // closes everything before
    const out = driver.createOutputTopic(
      'out',
      WindowedSerdes.timeWindowed(str, 10),
      Serdes.int32(),
    );
    expect(show(out.readRecordsToList())).toEqual(['k@0-10=1', 'k@5-15=7', 'k@10-20=2']);
    driver.close();
  });

  it('counts over sliding windows with out-of-order records (final results)', () => {
    const b = new StreamsBuilder();
    const grouped = b.stream('in', { key: str, value: str }).groupByKey();
    grouped
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 20))
      .count({ name: 'sliding' })
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .to('out');
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('in', str, str);
    for (const ts of [20, 25, 40, 22]) input.pipeInput('a', 'x', { timestamp: ts });
    input.pipeInput('z', 'x', { timestamp: 100 }); // closes every window of a
    const out = driver.createOutputTopic(
      'out',
      WindowedSerdes.timeWindowed(str, 10),
      Serdes.int64(),
    );
    expect(show(out.readRecordsToList()).sort()).toEqual(
      ['a@10-20=1', 'a@12-22=2', 'a@15-25=3', 'a@21-31=2', 'a@23-33=1', 'a@30-40=1'].sort(),
    );
    driver.close();
  });

  it('merges sessions and emits the final sessions only, tombstones of merged ones dropped', () => {
    const b = new StreamsBuilder();
    const grouped = b.stream('in', { key: str, value: str }).groupByKey();
    grouped
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 2))
      .count({ name: 'sessions', lateRecordsTopic: 'late' })
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .to('out');
    const topology = b.build();
    const driver = new TestDriver(topology);
    const input = driver.createInputTopic('in', str, str);
    for (const ts of [0, 3, 10, 6, 20, 1, 40]) input.pipeInput('u', 'x', { timestamp: ts });
    // 0,3 → [0,3]; 10 → [10,10]; 6 bridges → [0,10]; 20 → [20,20]; 1 at stream time 20: late
    // ([0,10] ended before 20 − 2); 40 closes [20,20]
    const out = driver.createOutputTopic(
      'out',
      WindowedSerdes.sessionWindowed(str),
      Serdes.int64(),
    );
    expect(show(out.readRecordsToList())).toEqual(['u@0-10=4', 'u@20-20=1']);
    expect(driver.createOutputTopic('late', str, str).queueSize()).toBe(1);
    expect(droppedRecordsOf(topology).byProcessor()).toEqual({
      'KSTREAM-AGGREGATE-0000000001@0_0': 1,
    });
    driver.close();
  });
});

describe('suppression bounds and time limits', () => {
  function counts(
    suppressed:
      | ReturnType<typeof Suppressed.untilTimeLimit>
      | ReturnType<typeof Suppressed.untilWindowCloses>,
  ) {
    const b = new StreamsBuilder();
    const grouped = b.stream('in', { key: str, value: str }).groupByKey();
    grouped
      .windowedBy(TimeWindows.ofSizeWithNoGrace(100))
      .count({ name: 'c' })
      .suppress(suppressed)
      .toStream()
      .to('out');
    const driver = new TestDriver(b.build());
    return {
      input: driver.createInputTopic('in', str, str),
      out: () =>
        show(
          driver
            .createOutputTopic('out', WindowedSerdes.timeWindowed(str, 100), Serdes.int64())
            .readRecordsToList(),
        ),
    };
  }

  it('untilTimeLimit emits a window’s latest count a time after its first buffered update', () => {
    const { input, out } = counts(
      Suppressed.untilTimeLimit(10, BufferConfig.maxRecords(100).emitEarlyWhenFull()),
    );
    for (const [k, ts] of [
      ['a', 0],
      ['a', 5],
      ['a', 10],
      ['a', 15],
      ['b', 30],
    ] as const)
      input.pipeInput(k, 'x', { timestamp: ts });
    // a's first update (t=0) is due at 10: emitted with the count then (3); the next at 25
    expect(out()).toEqual(['a@0-100=3', 'a@0-100=4']);
  });

  it('a full buffer with shutDownWhenFull stops the task instead of emitting early', () => {
    const { input } = counts(
      Suppressed.untilWindowCloses(BufferConfig.maxRecords(1).shutDownWhenFull()),
    );
    input.pipeInput('a', 'x', { timestamp: 0 });
    expect(() => {
      input.pipeInput('b', 'x', { timestamp: 1 });
    }).toThrow(/suppress buffer full/);
  });
});
