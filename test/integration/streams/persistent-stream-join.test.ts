import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  JoinWindows,
  Serdes,
  StreamsBuilder,
  TestDriver,
  type DslStoreType,
  type StreamsBuilderOptions,
} from '../../../streams/index.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { joinByKind, type JoinKind } from '../../helpers/join-kind.js';
import { tempDirsPerTest } from '../../helpers/temp-dir.js';

const tempDir = tempDirsPerTest('fjord-persistent-join-');
const str = Serdes.string();
type Input = readonly ['left' | 'right', string, string, number];

/** Where the buffers are placed: by the join, the builder or the app (the TestDriver). */
interface Placement {
  readonly storeType?: DslStoreType;
  readonly builder?: StreamsBuilderOptions;
  readonly app?: DslStoreType;
}

function run(kind: JoinKind, windows: JoinWindows, inputs: readonly Input[], where: Placement) {
  const b = new StreamsBuilder(where.builder);
  const left = b.stream('left', { key: str, value: str });
  const right = b.stream('right', { key: str, value: str });
  const joiner = (l: string | null, r: string | null) => `${l ?? '-'}+${r ?? '-'}`;
  const opts = {
    name: 'lr',
    ...(where.storeType === undefined ? {} : { storeType: where.storeType }),
  };
  joinByKind(kind, left, right, joiner, windows, opts).to('out', { key: str, value: str });
  const driver = new TestDriver(b.build(), {
    stateDir: tempDir(),
    ...(where.app === undefined ? {} : { defaultDslStore: where.app }),
  });
  const topics = {
    left: driver.createInputTopic('left', str, str),
    right: driver.createInputTopic('right', str, str),
  };
  inputs.forEach(([side, key, value, ts], i) => {
    topics[side].pipeInput(key, value, { timestamp: ts });
    // halfway, the task moves: its stores are restored from the changelogs
    if (i === Math.floor(inputs.length / 2)) driver.simulateRebalance();
  });
  const persistent = driver.getWindowStore<string, string>('lr-join-this-store', 0).persistent;
  const records = driver
    .createOutputTopic('out', str, str)
    .readRecordsToList()
    .map((r) => `${r.key}:${r.value}@${r.timestamp}`);
  driver.close();
  return { out: records, persistent };
}

// before = after = 5, grace 5; duplicates: several records of one key at one timestamp
const SEQUENCE: Input[] = [
  ['left', 'k', 'a1', 10],
  ['left', 'k', 'a2', 10],
  ['right', 'k', 'x', 12], // joins a1 and a2, in that order
  ['right', 'k', 'x2', 12],
  ['left', 'k', 'a3', 10], // joins x and x2
  ['right', 'q', 'y', 30],
  ['left', 'k', 'b', 8], // late
  ['left', 'q', 'c', 28], // joins y
  ['left', 'k', 'd', 40],
  ['right', 'k', 'z', 50],
  ['left', 'k', 'e', 70],
];

describe('stream–stream joins with persistent buffers (TestDriver)', () => {
  const w = JoinWindows.ofTimeDifferenceAndGrace(5, 5);

  it.each(['join', 'leftJoin', 'outerJoin'] as const)(
    '%s: persistent buffers give the in-memory output, duplicates and a task move included',
    (kind) => {
      const memory = run(kind, w, SEQUENCE, {});
      expect(memory.persistent).toBe(false);
      expect(memory.out.slice(0, 4)).toEqual([
        'k:a1+x@12',
        'k:a2+x@12',
        'k:a1+x2@12',
        'k:a2+x2@12',
      ]);
      for (const where of [
        { storeType: 'persistent' },
        { builder: { 'default.dsl.store': 'persistent' } },
        { app: 'persistent' },
      ] as const) {
        const disk = run(kind, w, SEQUENCE, where);
        expect(disk.persistent).toBe(true);
        expect(disk.out).toEqual(memory.out);
      }
    },
  );

  it('the join placed in memory stays there whatever the app says', () => {
    expect(run('join', w, SEQUENCE, { storeType: 'in-memory', app: 'persistent' }).persistent).toBe(
      false,
    );
  });

  it('outer joins of random inputs come out the same from LMDB and from memory (property)', () => {
    const input = fc.tuple(
      fc.constantFrom('left' as const, 'right' as const),
      fc.constantFrom('k', 'q', 'kq'),
      fc.string({ maxLength: 2 }),
      fc.nat(60),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 25 }), (inputs) => {
        const memory = run('outerJoin', w, inputs, {});
        expect(run('outerJoin', w, inputs, { storeType: 'persistent' }).out).toEqual(memory.out);
      }),
      { seed: fcSeed('persistent vs in-memory join'), numRuns: 25 },
    );
  });
});
