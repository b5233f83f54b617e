import { describe, expect, it } from 'vitest';

import { Serdes, StreamsBuilder, TestDriver } from '../../../../streams/index.js';

const s = Serdes.string();
const n = Serdes.int32();

describe('split / branch', () => {
  it('routes each record to the first matching branch, else the default branch, keeping headers', () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream('amounts', { key: s, value: n })
      .split({ name: 'route-' })
      .branch((_k, v) => v >= 100, { name: 'big' })
      .branch((_k, v) => v >= 10, { name: 'medium' })
      .defaultBranch({ name: 'small' });
    expect(Object.keys(branches)).toEqual(['route-big', 'route-medium', 'route-small']);
    branches['route-big']?.to('big');
    branches['route-medium']?.to('medium');
    branches['route-small']?.to('small');
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('amounts', s, n);
    input.pipeKeyValues([
      ['a', 500],
      ['b', 50],
      ['c', 5],
      ['d', 100],
    ]);
    input.pipeInput('e', 10, { headers: { h: 'x' } });
    expect(driver.createOutputTopic('big', s, n).readKeyValuesToList()).toEqual([
      ['a', 500],
      ['d', 100],
    ]);
    const medium = driver.createOutputTopic('medium', s, n).readRecordsToList();
    expect(medium.map((r) => r.key)).toEqual(['b', 'e']);
    expect(medium[1]?.headers).toEqual({ h: Buffer.from('x') });
    expect(driver.createOutputTopic('small', s, n).readValuesToList()).toEqual([5]);
  });

  it('drops unmatched records without a default branch; chain and consume shape the result', () => {
    const b = new StreamsBuilder();
    const consumed: string[] = [];
    const branches = b
      .stream('amounts', { key: s, value: n })
      .split({ name: 'r-' })
      .branch((_k, v) => v > 0, { name: 'pos', chain: (pos) => pos.mapValues((v) => v * 2) })
      .branch((_k, v) => v < 0, {
        name: 'neg',
        consume: (neg) => {
          neg.foreach((k) => consumed.push(k));
        },
      })
      .noDefaultBranch();
    expect(Object.keys(branches)).toEqual(['r-pos']);
    branches['r-pos']?.to('out');
    const driver = new TestDriver(b.build());
    driver.createInputTopic('amounts', s, n).pipeKeyValues([
      ['a', 1],
      ['z', 0],
      ['b', -1],
    ]);
    expect(driver.createOutputTopic('out', s, n).readKeyValuesToList()).toEqual([['a', 2]]);
    expect(consumed).toEqual(['b']);
  });

  it('refuses branches after the split was ended', () => {
    const split = new StreamsBuilder().stream<string, number>('in').split();
    split.noDefaultBranch();
    expect(() => split.branch(() => true)).toThrow(/already ended/);
  });
});

describe('merge', () => {
  it('interleaves two streams in arrival order and keeps known serdes', () => {
    const b = new StreamsBuilder();
    const left = b.stream('left', { key: s, value: n });
    const right = b
      .stream('right', { key: s, value: n })
      .mapValues((v) => v * 10, { name: 'times-ten' });
    const merged = left.merge(right, { name: 'both' });
    expect(merged.nodeName).toBe('both');
    merged.to('out', { value: n });
    const driver = new TestDriver(b.build());
    const l = driver.createInputTopic('left', s, n);
    const r = driver.createInputTopic('right', s, n);
    l.pipeInput('a', 1);
    r.pipeInput('b', 2);
    l.pipeInput('c', 3);
    expect(driver.createOutputTopic('out', s, n).readKeyValuesToList()).toEqual([
      ['a', 1],
      ['b', 20],
      ['c', 3],
    ]);
    // both inputs feed one node, so they form one sub-topology (co-partitioned tasks)
    expect(b.build().subtopologies).toHaveLength(1);
  });

  it('marks the merge for repartitioning when either side needs it', () => {
    const b = new StreamsBuilder();
    const a = b.stream<string, number>('a');
    const c = b.stream<string, number>('c').selectKey((k) => k);
    expect(a.merge(c).repartitionRequired).toBe(true);
    expect(a.merge(a.filter(() => true)).repartitionRequired).toBe(false);
  });
});
