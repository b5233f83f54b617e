import * as rxjs from 'rxjs';
import { describe, expect, it } from 'vitest';

import {
  Serdes,
  StreamsBuilder,
  StreamsError,
  TestDriver,
  type StreamRecord,
} from '../../../../streams/index.js';

const s = Serdes.string();
const n = Serdes.int32();

describe('pipe with RxJS operators', () => {
  it('types records through filter, map and scan (a running total per task)', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n })
      .pipe(
        rxjs.filter((r) => r.value > 0),
        rxjs.map((r): StreamRecord<string, number> => ({ ...r, value: r.value * 2 })),
        rxjs.scan(
          (acc: StreamRecord<string, number>, r) => ({ ...r, value: acc.value + r.value }),
          { key: '', value: 0, headers: {}, timestamp: 0 },
        ),
      )
      .mapValues((total) => `total=${total}`)
      .to('out', { key: s, value: s });
    const driver = new TestDriver(b.build());
    driver.createInputTopic('in', s, n).pipeKeyValues([
      ['a', 1],
      ['b', -5],
      ['c', 2],
    ]);
    expect(driver.createOutputTopic('out', s, s).readKeyValuesToList()).toEqual([
      ['a', 'total=2'],
      ['c', 'total=6'],
    ]);
  });

  it('changes key and value types (K2, V2 inferred from the last operator)', () => {
    const b = new StreamsBuilder();
    const out = b
      .stream('in', { key: s, value: n })
      .pipe(rxjs.map((r) => ({ ...r, key: r.value, value: r.key.toUpperCase() })));
    expect(out.repartitionRequired).toBe(true);
    out.to('out', { key: n, value: s });
    const driver = new TestDriver(b.build());
    driver.createInputTopic('in', s, n).pipeInput('abc', 7);
    expect(driver.createOutputTopic('out', n, s).readKeyValue()).toEqual([7, 'ABC']);
  });

  it('treats an exception in a user RxJS operator as fatal for the task', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n })
      .pipe(
        rxjs.map((r) => {
          if (r.value === 13) throw new Error('unlucky');
          return r;
        }),
      )
      .to('out');
    const driver = new TestDriver(b.build(), { errors: { processing: 'log-and-continue' } });
    const input = driver.createInputTopic('in', s, n);
    input.pipeInput('a', 1);
    expect(() => {
      input.pipeInput('b', 13);
    }).toThrow(StreamsError);
    // the task is dead: every later record fails too
    expect(() => {
      input.pipeInput('c', 2);
    }).toThrow(/unlucky/);
    expect(driver.createOutputTopic('out', s, n).readKeyValuesToList()).toEqual([['a', 1]]);
  });

  it('refuses records an asynchronous operator emits after processing returned', () => {
    const scheduler = new rxjs.VirtualTimeScheduler();
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: n }).pipe(rxjs.delay(10, scheduler)).to('out');
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('in', s, n);
    input.pipeInput('a', 1);
    scheduler.flush(); // the delayed record reaches the sink now, outside processing
    expect(() => {
      input.pipeInput('b', 2);
    }).toThrow(/outside processing/);
    expect(driver.createOutputTopic('out', s, n).isEmpty()).toBe(true);
  });
});
