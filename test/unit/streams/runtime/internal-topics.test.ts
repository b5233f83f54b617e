import { describe, expect, it } from 'vitest';

import { ConfigError, ErrorCode, FjordError, silentLogger } from '../../../../core/index.js';
import { prepareTopics, type TopicAdmin } from '../../../../streams/runtime/internal-topics.js';
import type {
  InternalTopicSpec,
  RunnableTopology,
  SubtopologySpec,
} from '../../../../streams/runtime/runnable-topology.js';

class FakeAdmin implements TopicAdmin {
  readonly created: { name: string; partitions: number; rf: number; configs: object }[] = [];
  raceOn: string | undefined;

  readonly topics: Map<string, number>;

  constructor(topics: Readonly<Record<string, number>>) {
    this.topics = new Map(Object.entries(topics));
  }

  partitionCounts(names: readonly string[]): Promise<Map<string, number>> {
    return Promise.resolve(
      new Map(names.flatMap((n) => (this.topics.has(n) ? [[n, this.topics.get(n) ?? 0]] : []))),
    );
  }

  createTopic(
    name: string,
    partitions: number,
    rf: number,
    configs: Readonly<Record<string, string>>,
  ): Promise<void> {
    if (name === this.raceOn) {
      this.topics.set(name, partitions);
      return Promise.reject(new FjordError('exists', ErrorCode.TOPIC_ALREADY_EXISTS));
    }
    this.created.push({ name, partitions, rf, configs });
    this.topics.set(name, partitions);
    return Promise.resolve();
  }
}

const ext = (name: string) => ({ name, internal: false });
const int = (name: string) => ({ name, internal: true });

function topology(
  subtopologies: SubtopologySpec[],
  internalTopics: InternalTopicSpec[] = [],
): RunnableTopology {
  return {
    subtopologies,
    internalTopics,
    createTask: () => {
      throw new Error('not used');
    },
  };
}

function repartition(
  name: string,
  partitionsFrom: number[],
  partitions?: number,
): InternalTopicSpec {
  return {
    name,
    kind: 'repartition',
    partitionsFrom,
    configs: { 'retention.ms': '-1' },
    ...(partitions === undefined ? {} : { partitions }),
  };
}

/** Sub-topology 0 reads `a` and writes the repartition topic `r`, which sub-topology 1 reads. */
function readThenRepartition(): RunnableTopology {
  return topology(
    [
      { id: 0, sourceTopics: [ext('a')] },
      { id: 1, sourceTopics: [int('r')] },
    ],
    [repartition('r', [0])],
  );
}

describe('prepareTopics', () => {
  it('names every missing source topic', async () => {
    const admin = new FakeAdmin({ a: 1 });
    const t = topology([{ id: 0, sourceTopics: [ext('a'), ext('b'), ext('c')] }]);
    const err = await prepareTopics(admin, t, 'app', 1, silentLogger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FjordError);
    expect((err as FjordError).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((err as Error).message).toMatch(/source topics missing: b, c/);
  });

  it('refuses co-partitioned inputs with different partition counts, naming them', async () => {
    const admin = new FakeAdmin({ orders: 4, customers: 6 });
    const t = topology([{ id: 0, sourceTopics: [ext('orders'), ext('customers')] }]);
    await expect(prepareTopics(admin, t, 'app', 1, silentLogger)).rejects.toThrow(
      /sub-topology 0 reads co-partitioned topics with different partition counts: orders \(4\), customers \(6\)/,
    );
  });

  it("creates a repartition topic with the largest count of its writers' inputs and Kafka's configs", async () => {
    const admin = new FakeAdmin({ a: 3, b: 5 });
    const t = topology(
      [
        { id: 0, sourceTopics: [ext('a')] },
        { id: 1, sourceTopics: [ext('b')] },
        { id: 2, sourceTopics: [int('x-repartition')] },
      ],
      [repartition('x-repartition', [0, 1])],
    );
    const prepared = await prepareTopics(admin, t, 'app', 2, silentLogger);
    expect(admin.created).toEqual([
      {
        name: 'app-x-repartition',
        partitions: 5,
        rf: 2,
        configs: {
          'cleanup.policy': 'delete',
          'segment.bytes': '52428800',
          'retention.ms': '-1',
          'message.timestamp.type': 'CreateTime',
        },
      },
    ]);
    expect(prepared.created).toEqual(['app-x-repartition']);
    expect(prepared.sourceTopics.get(2)).toEqual(['app-x-repartition']);
    expect(prepared.partitions.get('app-x-repartition')).toBe(5);
  });

  it('sizes chained repartition topics to a fixed point, and honours fixed counts', async () => {
    const admin = new FakeAdmin({ a: 2 });
    const t = topology(
      [
        { id: 0, sourceTopics: [ext('a')] },
        { id: 1, sourceTopics: [int('r1')] },
        { id: 2, sourceTopics: [int('r2')] },
        { id: 3, sourceTopics: [int('r3')] },
      ],
      [repartition('r3', [2]), repartition('r2', [1]), repartition('r1', [0], 7)],
    );
    await prepareTopics(admin, t, 'app', 1, silentLogger);
    expect(admin.created.map((c) => [c.name, c.partitions])).toEqual([
      ['app-r1', 7],
      ['app-r2', 7],
      ['app-r3', 7],
    ]);
  });

  it('sizes a repartition topic co-partitioned with a user topic to that topic', async () => {
    const admin = new FakeAdmin({ a: 8, b: 3 });
    const t = topology(
      [
        { id: 0, sourceTopics: [ext('a')] },
        { id: 1, sourceTopics: [ext('b'), int('r')] },
      ],
      [repartition('r', [0])],
    );
    await prepareTopics(admin, t, 'app', 1, silentLogger);
    expect(admin.created[0]?.partitions).toBe(3);
  });

  it('checks the partition count of an existing internal topic', async () => {
    const admin = new FakeAdmin({ a: 4, 'app-r': 2 });
    const t = readThenRepartition();
    await expect(prepareTopics(admin, t, 'app', 1, silentLogger)).rejects.toThrow(ConfigError);
    admin.topics.set('app-r', 4);
    await expect(prepareTopics(admin, t, 'app', 1, silentLogger)).resolves.toMatchObject({
      created: [],
    });
  });

  it('accepts an internal topic another instance created first', async () => {
    const admin = new FakeAdmin({ a: 4 });
    admin.raceOn = 'app-r';
    const t = readThenRepartition();
    await expect(prepareTopics(admin, t, 'app', 1, silentLogger)).resolves.toMatchObject({
      created: [],
    });
  });
});
