import { describe, expect, it } from 'vitest';

import {
  Serdes,
  StreamsBuilder,
  TestDriver,
  Topology,
  TopologyError,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
} from '../../../../streams/index.js';

const s = Serdes.string();

class Upper implements Processor<string, string, string, string> {
  private ctx: ProcessorContext<string, string> | undefined;
  init(ctx: ProcessorContext<string, string>): void {
    this.ctx = ctx;
  }
  process(r: StreamRecord<string, string>): void {
    this.ctx?.forward({ ...r, value: r.value.toUpperCase() });
  }
}

describe('Topology built node by node (Processor API)', () => {
  it('runs sources, processors and sinks added by name', () => {
    const t = new Topology()
      .addSource('in', 'words', { key: s, value: s })
      .addProcessor('upper', () => new Upper(), ['in'])
      .addSink('out', 'shouted', ['upper'], { key: s, value: s });
    const driver = new TestDriver(t);
    driver.createInputTopic('words', s, s).pipeInput('k', 'hello');
    expect(driver.createOutputTopic('shouted', s, s).readValue()).toBe('HELLO');
  });

  it('rejects duplicate names, unknown parents, sinks as parents and topics read twice', () => {
    const t = new Topology().addSource('in', ['a']).addSink('out', 'b', ['in']);
    expect(() => t.addSource('in', ['c'])).toThrow(TopologyError);
    expect(() => t.addProcessor('p', () => new Upper(), ['missing'])).toThrow(
      /parent missing is not added/,
    );
    expect(() => t.addProcessor('p', () => new Upper(), ['out'])).toThrow(
      /sink out cannot be a parent/,
    );
    expect(() => t.addSource('in2', ['a'])).toThrow(/topic a is already read by source in/);
    expect(() => t.addProcessor('p', () => new Upper(), [])).toThrow(/at least one parent/);
    expect(() => t.createTask({ subtopology: 5, partition: 0 }, undefined as never)).toThrow(
      /no sub-topology 5/,
    );
  });

  it('numbers sub-topologies upstream first and sizes repartition topics from their writers', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('x').to('x-out');
    b.stream<string, string>('y')
      .selectKey((k) => k)
      .repartition({ name: 'y' })
      .to('y-out');
    const t = b.build();
    expect(t.subtopologies.map((st) => st.sourceTopics.map((r) => r.name))).toEqual([
      ['x'],
      ['y'],
      ['y-repartition'],
    ]);
    expect(t.internalTopics).toEqual([
      {
        name: 'y-repartition',
        kind: 'repartition',
        partitionsFrom: [1],
        configs: {
          'cleanup.policy': 'delete',
          'segment.bytes': '52428800',
          'retention.ms': '-1',
          'message.timestamp.type': 'CreateTime',
        },
      },
    ]);
    const driver = new TestDriver(t, {
      topicPartitions: { y: 3 },
      defaultKeySerde: s,
      defaultValueSerde: s,
    });
    expect(driver.taskNames()).toEqual(['0_0', '1_0', '1_1', '1_2', '2_0', '2_1', '2_2']);
  });
});
