/**
 * The ground-truth check of issue 7, end to end on an embedded broker: 200,000 order events with
 * random keys and out-of-order timestamps → per-key 1-minute tumbling sums, suppressed until the
 * windows close. Every final window result must equal the sum computed directly from the input,
 * exactly once per window; records sent after their windows closed go to the late topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  BufferConfig,
  Serdes,
  StreamsApp,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  WindowedSerdes,
} from '../../../streams/index.js';
import { waitUntil } from '../../helpers/groups.js';
import { seededRandom, testSeed } from '../../helpers/seeded-random.js';
import { StreamsCluster } from '../../helpers/streams-harness.js';

const RECORDS = 200_000;
const KEYS = 500;
const PARTITIONS = 4;
const MINUTE = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);
/** Event time advances 3 ms per record (10 minutes in all); records are up to 20 s out of order. */
const STEP_MS = 3;
const DISORDER_MS = 20_000;
const GRACE_MS = 30_000;
const LATE = 100;

describe('windowed sums with suppression against the ground truth', () => {
  let cluster: StreamsCluster;
  beforeAll(async () => {
    cluster = await StreamsCluster.start();
  });
  afterAll(() => cluster.close());

  it('emits exactly one final sum per key and minute, equal to the sum of the input', async () => {
    const { admin, producer } = cluster;
    await admin.createTopic('gt-orders', PARTITIONS, 1);
    await admin.createTopic('gt-sums', PARTITIONS, 1);
    await admin.createTopic('gt-late', PARTITIONS, 1);

    const random = seededRandom(testSeed('windowed ground truth'));
    const truth = new Map<string, number>();
    const sends: Promise<unknown>[] = [];
    const amount = Serdes.int32();
    for (let i = 0; i < RECORDS; i++) {
      const key = `customer-${Math.floor(random() * KEYS)}`;
      const ts = T0 + DISORDER_MS + i * STEP_MS - Math.floor(random() * DISORDER_MS);
      const cents = 1 + Math.floor(random() * 10_000);
      const id = `${key}@${ts - (ts % MINUTE)}`;
      truth.set(id, (truth.get(id) ?? 0) + cents);
      sends.push(
        producer.send({
          topic: 'gt-orders',
          key,
          value: amount.serialize(cents, { topic: 'gt-orders' }),
          timestamp: ts,
        }),
      );
    }
    // One record far ahead per partition closes every window; then late records follow.
    const end = T0 + 24 * 60 * MINUTE;
    for (let p = 0; p < PARTITIONS; p++)
      sends.push(
        producer.send({
          topic: 'gt-orders',
          key: 'flush',
          value: amount.serialize(0, { topic: 'gt-orders' }),
          timestamp: end,
          partition: p,
        }),
      );
    await Promise.all(sends);
    const late: Promise<unknown>[] = [];
    for (let i = 0; i < LATE; i++)
      late.push(
        producer.send({
          topic: 'gt-orders',
          key: `customer-${i}`,
          value: amount.serialize(1, { topic: 'gt-orders' }),
          timestamp: T0 + i,
        }),
      );
    await Promise.all(late);

    const b = new StreamsBuilder();
    const orders = b.stream('gt-orders', { key: Serdes.string(), value: Serdes.int32() });
    orders
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE, GRACE_MS))
      .aggregate(
        () => 0,
        (_k, cents, sum) => sum + cents,
        {
          name: 'sums-per-minute',
          value: Serdes.int64(),
          lateRecordsTopic: 'gt-late',
        },
      )
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .to('gt-sums', { value: Serdes.int64() });
    const app = new StreamsApp(
      b.build(),
      {
        'application.id': 'ground-truth',
        'bootstrap.servers': cluster.bootstrap,
        'commit.interval.ms': 1000,
        'consumer.max.poll.records': 5000,
      },
      { handleSignals: false },
    );
    const started = Date.now();
    await app.start();
    const sums = await cluster.reader('gt-sums');
    const lateReader = await cluster.reader('gt-late');
    try {
      await waitUntil(
        `${truth.size} final window sums`,
        () => {
          if (app.state === 'ERROR') throw app.error ?? new Error('app failed');
          return (
            (sums.records.length >= truth.size && lateReader.records.length >= LATE) || undefined
          );
        },
        { timeoutMs: 60_000 },
      );
      const elapsedMs = Date.now() - started;
      const keys = WindowedSerdes.timeWindowed(Serdes.string(), MINUTE);
      const got = new Map<string, number>();
      for (const r of sums.records) {
        const k = keys.deserialize(r.key, { topic: 'gt-sums' });
        const id = `${k.key}@${k.window.startMs}`;
        expect(got.has(id), `window ${id} emitted twice`).toBe(false);
        got.set(id, Serdes.int64().deserialize(r.value, { topic: 'gt-sums' }));
      }
      expect(got).toEqual(truth);
      expect(lateReader.records).toHaveLength(LATE);
      console.log(
        `[ground truth] ${RECORDS} records → ${truth.size} windows in ${elapsedMs} ms ` +
          `(${Math.round(RECORDS / (elapsedMs / 1000))} records/s), ${LATE} late records to the late topic`,
      );
    } finally {
      await app.close();
    }
  }, 120_000);
});
