import { describe, expect, it } from 'vitest';

import { Serdes, StreamsBuilder, Topology } from '../../../../streams/index.js';
import { javaHashSetOrder, javaStringHash } from '../../../../streams/runtime/java-hash-order.js';

interface Order {
  readonly user: string;
  readonly region: string;
  readonly amount: number;
}

function sixNodes(): Topology {
  const b = new StreamsBuilder();
  const clean = b
    .stream('orders', { key: Serdes.string(), value: Serdes.json<Order>() })
    .filter((_k, o) => o.amount > 0)
    .mapValues((o) => ({ ...o, amount: o.amount * 100 }));
  clean.to('orders-clean');
  const routeByRegion = (_k: string, o: Order): string => `orders-${o.region}`;
  clean.peek(() => undefined).to(routeByRegion);
  return b.build();
}

// Written from Kafka Streams' TopologyDescription format: "Topologies:\n " then, per
// sub-topology, two spaces, "Sub-topology: <id>\n", each node indented by four spaces, and a
// blank line; nodes ordered by the size of the graph below them, then by name.
const SIX_NODES = `Topologies:
   Sub-topology: 0
    Source: KSTREAM-SOURCE-0000000000 (topics: [orders])
      --> KSTREAM-FILTER-0000000001
    Processor: KSTREAM-FILTER-0000000001 (stores: [])
      --> KSTREAM-MAPVALUES-0000000002
      <-- KSTREAM-SOURCE-0000000000
    Processor: KSTREAM-MAPVALUES-0000000002 (stores: [])
      --> KSTREAM-PEEK-0000000004, KSTREAM-SINK-0000000003
      <-- KSTREAM-FILTER-0000000001
    Processor: KSTREAM-PEEK-0000000004 (stores: [])
      --> KSTREAM-SINK-0000000005
      <-- KSTREAM-MAPVALUES-0000000002
    Sink: KSTREAM-SINK-0000000003 (topic: orders-clean)
      <-- KSTREAM-MAPVALUES-0000000002
    Sink: KSTREAM-SINK-0000000005 (extractor class: routeByRegion)
      <-- KSTREAM-PEEK-0000000004

`;

const TWO_SUBTOPOLOGIES = `Topologies:
   Sub-topology: 0
    Source: KSTREAM-SOURCE-0000000000 (topics: [orders])
      --> KSTREAM-KEY-SELECT-0000000001
    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])
      --> by-user-repartition-sink
      <-- KSTREAM-SOURCE-0000000000
    Sink: by-user-repartition-sink (topic: by-user-repartition)
      <-- KSTREAM-KEY-SELECT-0000000001

  Sub-topology: 1
    Source: by-user-repartition-source (topics: [by-user-repartition])
      --> KSTREAM-MAPVALUES-0000000005
    Processor: KSTREAM-MAPVALUES-0000000005 (stores: [])
      --> KSTREAM-SINK-0000000006
      <-- by-user-repartition-source
    Sink: KSTREAM-SINK-0000000006 (topic: per-user)
      <-- KSTREAM-MAPVALUES-0000000005

`;

describe('topology.describe()', () => {
  it('prints a 6-node topology in Kafka Streams text format', () => {
    expect(sixNodes().describe().toString()).toBe(SIX_NODES);
  });

  it('prints two sub-topologies split at a named repartition topic', () => {
    const b = new StreamsBuilder();
    b.stream('orders', { key: Serdes.string(), value: Serdes.json<Order>() })
      .selectKey((_k, o) => o.user)
      .repartition({ name: 'by-user' })
      .mapValues((o) => o.amount)
      .to('per-user', { value: Serdes.double() });
    const topology = b.build();
    expect(topology.describe().toString()).toBe(TWO_SUBTOPOLOGIES);
    expect(topology.subtopologies).toEqual([
      { id: 0, sourceTopics: [{ name: 'orders', internal: false }], stores: [] },
      { id: 1, sourceTopics: [{ name: 'by-user-repartition', internal: true }], stores: [] },
    ]);
    expect(topology.internalTopics).toEqual([
      expect.objectContaining({
        name: 'by-user-repartition',
        kind: 'repartition',
        partitionsFrom: [0],
      }),
    ]);
  });

  it('names an unnamed repartition after its generated node, burning indexes as Kafka Streams does', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in').repartition({ numberOfPartitions: 3 }).to('out');
    const text = b.build().describe().toString();
    expect(text).toContain(
      'Sink: KSTREAM-SINK-0000000002 (topic: KSTREAM-REPARTITION-0000000001-repartition)',
    );
    expect(text).toContain(
      'Source: KSTREAM-SOURCE-0000000004 (topics: [KSTREAM-REPARTITION-0000000001-repartition])',
    );
    expect(text).toContain('Sink: KSTREAM-SINK-0000000005 (topic: out)');
    expect(b.build().internalTopics[0]).toMatchObject({ partitions: 3 });
  });

  it('names split branches by the splitter name plus branch name or position', () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream<string, number>('in')
      .split()
      .branch((_k, v) => v > 0)
      .branch((_k, v) => v < 0, { name: 'neg' })
      .defaultBranch();
    expect(Object.keys(branches)).toEqual([
      'KSTREAM-BRANCH-00000000011',
      'KSTREAM-BRANCH-0000000001neg',
      'KSTREAM-BRANCH-00000000010',
    ]);
    expect(b.build().describe().toString()).toContain(
      '--> KSTREAM-BRANCH-00000000010, KSTREAM-BRANCH-00000000011, KSTREAM-BRANCH-0000000001neg',
    );
  });

  it('describes a hand-built topology with several source topics and no successors', () => {
    const t = new Topology()
      .addSource('src', ['b', 'a'])
      .addProcessor('proc', () => ({ process: () => undefined }), ['src']);
    expect(t.describe().toString()).toBe(
      'Topologies:\n   Sub-topology: 0\n    Source: src (topics: [a, b])\n      --> proc\n' +
        '    Processor: proc (stores: [])\n      --> none\n      <-- src\n\n',
    );
  });

  it('prints nothing but the header for an empty topology', () => {
    expect(new Topology().describe().toString()).toBe('Topologies:\n ');
  });

  it('draws Mermaid and DOT graphs with a box per sub-topology and topics as cylinders', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in')
      .selectKey((_k, v) => v)
      .repartition({ name: 'r' })
      .to('out');
    const d = b.build().describe();
    const mermaid = d.toMermaid();
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid).toContain('subgraph sub0["Sub-topology: 0"]');
    expect(mermaid).toContain('subgraph sub1["Sub-topology: 1"]');
    expect(mermaid).toContain('[("r-repartition")]');
    const dot = d.toDot();
    expect(dot.startsWith('digraph topology {')).toBe(true);
    expect(dot).toContain('subgraph cluster_1 {');
    expect(dot).toContain('"topic:r-repartition" -> "r-repartition-source";');
    expect(dot).toContain('"r-repartition-sink" -> "topic:r-repartition";');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('orders printed topic sets as Java HashSets iterate them', () => {
    expect(javaStringHash('orders')).toBe(-1008770331);
    expect(javaHashSetOrder(['b', 'a'])).toEqual(['a', 'b']);
    // "Aa" and "BB" collide in Java: insertion order decides within the bucket.
    expect(javaHashSetOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
    // Checked against Java 17's `new HashSet<>(Arrays.asList(...)).toString()`.
    const topics = [
      'topic-z',
      'orders',
      'payments',
      'clicks',
      'KSTREAM-REPARTITION-0000000001-repartition',
      'a-very-long-topic-name',
    ];
    expect(javaHashSetOrder(topics)).toEqual([
      'a-very-long-topic-name',
      'topic-z',
      'payments',
      'clicks',
      'orders',
      'KSTREAM-REPARTITION-0000000001-repartition',
    ]);
  });
});
