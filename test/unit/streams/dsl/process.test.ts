import { describe, expect, it } from 'vitest';

import {
  Serdes,
  StreamsBuilder,
  TestDriver,
  type FixedKeyProcessorContext,
  type Processor,
  type ProcessorContext,
  type RecordContext,
  type StreamRecord,
} from '../../../../streams/index.js';

const s = Serdes.string();
const n = Serdes.int32();

/** Sums values per key; emits the sums on punctuation; forwards large values to `alerts` only. */
class Summer implements Processor<string, number, string, number> {
  static events: string[] = [];
  private ctx: ProcessorContext<string, number> | undefined;
  private readonly sums = new Map<string, number>();

  init(ctx: ProcessorContext<string, number>): void {
    this.ctx = ctx;
    Summer.events.push(
      `init ${ctx.taskId.subtopology}_${ctx.taskId.partition} ${ctx.applicationId}`,
    );
    ctx.schedule(10, 'stream-time', (ts) => {
      this.flush(ts, 'stream');
    });
    ctx.schedule(1000, 'wall-clock', (ts) => {
      this.flush(ts, 'wall');
    });
  }

  process(record: StreamRecord<string, number>): void {
    if (record.value >= 100) {
      this.ctx?.forward({ ...record, value: record.value }, 'alerts');
      return;
    }
    this.sums.set(record.key, (this.sums.get(record.key) ?? 0) + record.value);
  }

  close(): void {
    Summer.events.push('close');
  }

  private flush(ts: number, kind: string): void {
    for (const [key, sum] of this.sums)
      this.ctx?.forward({ key: `${kind}:${key}`, value: sum, headers: {}, timestamp: ts }, 'sums');
    this.sums.clear();
  }
}

function summerTopology(): StreamsBuilder {
  const b = new StreamsBuilder();
  const out = b.stream('in', { key: s, value: n }).process(() => new Summer(), { name: 'summer' });
  out.filter(() => true, { name: 'sums' }).to('sums', { key: s, value: n });
  out.filter(() => true, { name: 'alerts' }).to('alerts', { key: s, value: n });
  return b;
}

describe('process with a custom Processor', () => {
  it('forwards to named children and punctuates on stream time (at most once per advance, aligned)', () => {
    Summer.events = [];
    const driver = new TestDriver(summerTopology().build(), { applicationId: 'app' });
    const input = driver.createInputTopic('in', s, n);
    const sums = driver.createOutputTopic('sums', s, n);
    const alerts = driver.createOutputTopic('alerts', s, n);
    expect(Summer.events).toEqual(['init 0_0 app']);

    // stream-time punctuators are first due at 0: the first record fires one (after processing it)
    input.pipeInput('a', 1, { timestamp: 3 });
    expect(sums.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['stream:a', 1, 3],
    ]);

    input.pipeInput('a', 2, { timestamp: 5 });
    input.pipeInput('b', 500, { timestamp: 7 });
    expect(sums.isEmpty()).toBe(true);
    expect(alerts.readKeyValuesToList()).toEqual([['b', 500]]);

    // stream time jumps from 7 to 35: one punctuation (at 35), next due 40
    input.pipeInput('b', 4, { timestamp: 35 });
    expect(sums.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual(
      [
        ['stream:a', 2],
        ['stream:b', 4],
      ].map(([k, v]) => [k, v, 35]),
    );
    input.pipeInput('c', 1, { timestamp: 39 });
    // an older record does not move stream time back
    input.pipeInput('c', 1, { timestamp: 2 });
    expect(sums.isEmpty()).toBe(true);
    expect(driver.streamTimeMs('0_0')).toBe(39);
    input.pipeInput('c', 1, { timestamp: 40 });
    expect(sums.readKeyValuesToList()).toEqual([['stream:c', 3]]);
    driver.close();
    expect(Summer.events).toEqual(['init 0_0 app', 'close']);
  });

  it('punctuates on wall-clock time only as the driver clock advances', () => {
    const driver = new TestDriver(summerTopology().build(), { initialWallClockMs: 10_000 });
    const input = driver.createInputTopic('in', s, n);
    const sums = driver.createOutputTopic('sums', s, n);
    input.pipeInput('a', 1, { timestamp: 0 });
    sums.readRecordsToList(); // the stream-time punctuation of the first record
    input.pipeInput('a', 5, { timestamp: 1 });
    driver.advanceWallClockTime(999);
    expect(sums.isEmpty()).toBe(true);
    driver.advanceWallClockTime(1);
    expect(sums.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['wall:a', 5, 11_000],
    ]);
    input.pipeInput('b', 7, { timestamp: 2 });
    driver.advanceWallClockTime(5_500); // missed punctuations are not replayed: one fire
    expect(sums.readKeyValuesToList()).toEqual([['wall:b', 7]]);
    driver.close();
  });

  it('gives the processor the record context of the input and none in punctuators', () => {
    const contexts: (RecordContext | undefined)[] = [];
    const records: StreamRecord<string, number>[] = [];
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n }).process<string, number>(() => {
      let ctx: ProcessorContext<string, number> | undefined;
      return {
        init(c) {
          ctx = c;
          c.schedule(5, 'stream-time', () => contexts.push(ctx?.recordContext));
        },
        process(r) {
          records.push(r);
          contexts.push(ctx?.recordContext);
        },
      };
    });
    const driver = new TestDriver(b.build(), { partitions: 2 });
    driver
      .createInputTopic('in', s, n)
      .pipeInput('k', 1, { timestamp: 42, partition: 1, headers: { h: 'v' } });
    expect(contexts).toEqual([
      { topic: 'in', partition: 1, offset: 0, timestamp: 42, headers: { h: Buffer.from('v') } },
      undefined,
    ]);
    expect(records).toEqual([
      {
        key: 'k',
        value: 1,
        headers: { h: Buffer.from('v') },
        timestamp: 42,
        source: { topic: 'in', partition: 1, offset: 0 },
      },
    ]);
  });

  it('sends exceptions of process() to the processing handler and forward() to an unknown child too', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n })
      .process<string, number>(() => {
        let ctx: ProcessorContext<string, number> | undefined;
        return {
          init: (c) => (ctx = c),
          process: (r) => {
            if (r.value < 0) throw new Error('negative');
            ctx?.forward(r, r.value === 0 ? 'nobody' : undefined);
          },
        };
      })
      .to('out');
    const driver = new TestDriver(b.build(), { errors: { processing: 'log-and-continue' } });
    driver.createInputTopic('in', s, n).pipeKeyValues([
      ['a', -1],
      ['b', 0],
      ['c', 1],
    ]);
    expect(driver.createOutputTopic('out', s, n).readKeyValuesToList()).toEqual([['c', 1]]);
    expect(driver.errorCounters.processing).toBe(2);
  });
});

describe('processValues with a FixedKeyProcessor', () => {
  it('changes values, keeps keys and the partitioning, sees the task', () => {
    const b = new StreamsBuilder();
    const out = b.stream('in', { key: s, value: n }).processValues<string>(() => {
      let ctx: FixedKeyProcessorContext<string, string> | undefined;
      return {
        init: (c) => (ctx = c),
        process: (r) => {
          ctx?.forward({ ...r, value: `${r.value}@${ctx.taskId.partition}` });
        },
      };
    });
    expect(out.repartitionRequired).toBe(false);
    out.to('out', { value: s });
    const driver = new TestDriver(b.build(), { partitions: 3 });
    driver.createInputTopic('in', s, n).pipeInput('k', 5, { partition: 2 });
    expect(driver.createOutputTopic('out', s, s).readRecord()).toMatchObject({
      key: 'k',
      value: '5@2',
    });
  });
});
