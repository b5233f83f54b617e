import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, type Admin, type Producer } from '../../../core/index.js';
import {
  BufferConfig,
  Serdes,
  StreamsApp,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  WindowedSerdes,
} from '../../../streams/index.js';
import { StreamsCluster } from '../../helpers/streams-harness.js';

const str = Serdes.string();
const WINDOW_MS = 10_000;

/** Final counts per 10 s window of `in`, suppressed until the window closes; late records to `late`. */
function finalCounts(prefix: string) {
  const b = new StreamsBuilder();
  b.stream(`${prefix}-in`, { key: str, value: str })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_MS))
    .count({ name: `${prefix}-counts`, lateRecordsTopic: `${prefix}-late` })
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded(), `${prefix}-final`))
    .toStream()
    .to(`${prefix}-out`, {
      key: WindowedSerdes.timeWindowed(str, WINDOW_MS),
      value: Serdes.nullable(Serdes.int64()),
    });
  return b.build();
}

function show(records: readonly { key: Buffer | null; value: Buffer | null }[]): string[] {
  const keys = WindowedSerdes.timeWindowed(str, WINDOW_MS);
  return records.map((r) => {
    const k = keys.deserialize(r.key, { topic: 'out' });
    return `${k.key}@${k.window.startMs}=${r.value === null ? 'null' : r.value.readBigInt64BE(0)}`;
  });
}

describe('StreamsApp: what survives a restart besides the stores', () => {
  let cluster: StreamsCluster;
  let admin: Admin;
  let producer: Producer;
  const apps: StreamsApp[] = [];

  beforeAll(async () => {
    cluster = await StreamsCluster.start();
    ({ admin, producer } = cluster);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await cluster.closeReaders();
  });
  afterAll(() => cluster.close());

  function app(prefix: string): StreamsApp {
    const a = new StreamsApp(
      finalCounts(prefix),
      {
        'application.id': prefix,
        'bootstrap.servers': cluster.bootstrap,
        'commit.interval.ms': 200,
        'consumer.fetch.max.wait.ms': 50,
      },
      { handleSignals: false },
    );
    apps.push(a);
    return a;
  }

  async function send(topic: string, key: string, timestamp: number): Promise<void> {
    await producer.send({ topic, key, value: 'x', timestamp });
  }

  it('stream time (in the commit metadata) and the suppress buffer (in its changelog)', async () => {
    for (const t of ['st-in', 'st-out', 'st-late']) await admin.createTopic(t, 1, 1);
    const out = await cluster.reader('st-out');
    const late = await cluster.reader('st-late');
    const first = app('st');
    await first.start();
    await send('st-in', 'a', 1_000);
    await send('st-in', 'a', 2_000);
    await send('st-in', 'b', 25_000); // closes a's window; b's waits in the suppress buffer
    await out.until('a’s final count', (r) => r.records.length === 1);
    expect(await first.close({ timeoutMs: 10_000 })).toBe(true);

    const probe = new Consumer({ bootstrap: cluster.bootstrap, groupId: 'st' });
    const [committed] = await probe.committed([{ topic: 'st-in', partition: 0 }]);
    await probe.close();
    expect(committed).toMatchObject({ offset: 3, metadata: 'fjord-pt:v1:25000' });

    const second = app('st');
    await second.start();
    await send('st-in', 'a', 3_000); // late for stream time 25000, not for a fresh -1
    await late.until('the late record', (r) => r.records.length === 1);
    await send('st-in', 'c', 31_000); // closes b's window, buffered before the restart
    await out.until('b’s final count', (r) => r.records.length === 2);
    expect(show(out.records)).toEqual(['a@0=2', 'b@20000=1']);
    expect(late.records[0]?.key?.toString()).toBe('a');
  }, 60_000);
});
