import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConsumerRecord } from '../../../core/index.js';
import { Serdes, StreamsBuilder } from '../../../streams/index.js';
import { StreamsApp } from '../../../streams/runtime/streams-app.js';
import { lockTaskDirectory } from '../../../streams/state/index.js';
import { waitUntil } from '../../helpers/groups.js';
import { StreamsCluster } from '../../helpers/streams-harness.js';
import { tempDirsPerTest } from '../../helpers/temp-dir.js';

const s = Serdes.string();
const long = Serdes.nullable(Serdes.int64());
const tempDir = tempDirsPerTest('fjord-task-lock-app-');

function counts(records: readonly ConsumerRecord[], topic: string): Map<string, number | null> {
  const m = new Map<string, number | null>();
  for (const r of records) m.set(r.key?.toString() ?? '', long.deserialize(r.value, { topic }));
  return m;
}

describe('StreamsApp: a task whose directory another instance holds', () => {
  let cluster: StreamsCluster;
  beforeAll(async () => {
    cluster = await StreamsCluster.start();
  });
  afterAll(() => cluster.close());

  it('waits, its partition paused, and starts on a later loop once the lock is free', async () => {
    const id = 'task-lock';
    const [input, output] = [`${id}-in`, `${id}-out`];
    await cluster.admin.createTopic(input, 1, 1);
    await cluster.admin.createTopic(output, 1, 1);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cluster.producer.send({ topic: input, key: `k${i % 4}`, value: 'v' }),
      ),
    );
    const b = new StreamsBuilder();
    b.stream(input, { key: s, value: s })
      .groupByKey()
      .count({ name: 'counts', storeType: 'persistent' })
      .toStream()
      .to(output, { key: s, value: long });
    const stateDir = tempDir();
    // Another instance (of this process) owns task 0_0's directory.
    const other = lockTaskDirectory(join(stateDir, id, '0_0'));
    const app = new StreamsApp(
      b.build(),
      {
        'application.id': id,
        'bootstrap.servers': cluster.bootstrap,
        'consumer.fetch.max.wait.ms': 50,
        'commit.interval.ms': 100,
        'state.dir': stateDir,
      },
      { handleSignals: false },
    );
    try {
      await app.start();
      await waitUntil('assigned', () => app.metrics.rebalances >= 1 || undefined);
      expect(app.tasks).toEqual([]);
      expect(app.metrics.recordsProcessed).toBe(0);
      other.release();
      await waitUntil('the task created', () => app.tasks.includes('0_0') || undefined);
      await waitUntil('20 processed', () => app.metrics.recordsProcessed >= 20 || undefined);
      const out = await cluster.reader(output);
      await out.until('the counts', (r) => counts(r.records, output).get('k3') === 5);
      expect(counts(out.records, output)).toEqual(
        new Map([
          ['k0', 5],
          ['k1', 5],
          ['k2', 5],
          ['k3', 5],
        ]),
      );
    } finally {
      other.release();
      await app.close({ timeoutMs: 10_000 });
      await cluster.closeReaders();
    }
  });
});
