/**
 * A topology described as Kafka Streams describes it: sub-topologies in id order, nodes ordered
 * by the size of the sub-graph below them (largest first, then by name), successors (`-->`) and
 * predecessors (`<--`) in the same order, internal topics by their undecorated names. Drawn as
 * Mermaid flowcharts and Graphviz digraphs too: a box per sub-topology, topics as cylinders
 * outside the boxes, so a repartition topic visibly links two sub-topologies.
 */
import { javaHashSetOrder, javaSetString } from './java-hash-order.js';
import { parentsOf, type NodeSpec, type SubtopologyPlan } from './topology-nodes.js';

/** Fields every node description has. */
interface NodeDescriptionBase {
  readonly name: string;
  /** Nodes feeding this one, in description order. */
  readonly predecessors: readonly string[];
  /** Nodes this one feeds, in description order. */
  readonly successors: readonly string[];
}

/**
 * A source node: the topics it reads.
 *
 * @example
 * ```ts
 * if (node.type === 'source') console.log(node.topics.join(', '));
 * ```
 */
export interface SourceDescription extends NodeDescriptionBase {
  readonly type: 'source';
  readonly topics: readonly string[];
}

/**
 * A processor node: the state stores it uses.
 *
 * @example
 * ```ts
 * if (node.type === 'processor') console.log(node.stores);
 * ```
 */
export interface ProcessorDescription extends NodeDescriptionBase {
  readonly type: 'processor';
  readonly stores: readonly string[];
}

/**
 * A sink node: its topic, or the name of the function choosing it.
 *
 * @example
 * ```ts
 * if (node.type === 'sink') console.log(node.topic ?? node.extractor);
 * ```
 */
export interface SinkDescription extends NodeDescriptionBase {
  readonly type: 'sink';
  readonly topic: string | undefined;
  readonly extractor: string | undefined;
}

/**
 * One node of a described topology.
 *
 * @example
 * ```ts
 * const names = description.subtopologies.flatMap((s) => s.nodes.map((n: NodeDescription) => n.name));
 * ```
 */
export type NodeDescription = SourceDescription | ProcessorDescription | SinkDescription;

/**
 * A connected part of a topology: one task per partition of its input topics.
 *
 * @example
 * ```ts
 * for (const s of topology.describe().subtopologies) console.log(s.id, s.nodes.length);
 * ```
 */
export interface SubtopologyDescription {
  readonly id: number;
  readonly nodes: readonly NodeDescription[];
}

/**
 * What `topology.describe()` returns.
 *
 * @example
 * ```ts
 * const d = builder.build().describe();
 * console.log(d.toString());  // Kafka Streams' text format
 * writeFileSync('topology.mmd', d.toMermaid());
 * ```
 */
export class TopologyDescription {
  /** The sub-topologies in id order. */
  readonly subtopologies: readonly SubtopologyDescription[];

  /** @internal */
  constructor(plans: readonly SubtopologyPlan[]) {
    this.subtopologies = plans.map(describeSubtopology);
  }

  /**
   * Kafka Streams' text format, character for character (`Topologies:`, then each
   * sub-topology, its nodes with `-->` successors and `<--` predecessors, a blank line after
   * each sub-topology).
   */
  toString(): string {
    let out = 'Topologies:\n ';
    for (const s of this.subtopologies) {
      out += `  Sub-topology: ${s.id}\n`;
      for (const node of s.nodes) out += `    ${nodeString(node)}\n`;
      out += '\n';
    }
    return out;
  }

  /** A Mermaid flowchart: a subgraph per sub-topology, topics as their own shapes. */
  toMermaid(): string {
    return toMermaid(this.subtopologies);
  }

  /** A Graphviz DOT digraph: a cluster per sub-topology, topics as their own shapes. */
  toDot(): string {
    return toDot(this.subtopologies);
  }
}

function names(list: readonly string[]): string {
  return list.length === 0 ? 'none' : list.join(', ');
}

function nodeString(node: NodeDescription): string {
  const succ = `\n      --> ${names(node.successors)}`;
  const pred = `\n      <-- ${names(node.predecessors)}`;
  switch (node.type) {
    case 'source':
      return `Source: ${node.name} (topics: ${javaSetString(node.topics)})${succ}`;
    case 'processor':
      return `Processor: ${node.name} (stores: ${javaSetString(node.stores)})${succ}${pred}`;
    case 'sink':
      return node.topic !== undefined
        ? `Sink: ${node.name} (topic: ${node.topic})${pred}`
        : `Sink: ${node.name} (extractor class: ${node.extractor ?? ''})${pred}`;
  }
}

function describeSubtopology(plan: SubtopologyPlan): SubtopologyDescription {
  const sizes = new Map<string, number>();
  const size = (name: string): number => {
    let s = sizes.get(name);
    if (s === undefined) {
      s = 1;
      for (const child of plan.children.get(name) ?? []) s += size(child);
      sizes.set(name, s);
    }
    return s;
  };
  const order = (list: Iterable<string>): string[] =>
    [...new Set(list)].sort((a, b) => size(b) - size(a) || (a < b ? -1 : a > b ? 1 : 0));
  const specs = new Map(plan.nodes.map((n) => [n.name, n]));
  const nodes = order(specs.keys()).flatMap((name) => {
    const spec = specs.get(name);
    if (spec === undefined) return [];
    const links = {
      name,
      predecessors: order(parentsOf(spec)),
      successors: order(plan.children.get(name) ?? []),
    };
    return [describeNode(spec, links)];
  });
  return { id: plan.id, nodes };
}

function describeNode(spec: NodeSpec, links: NodeDescriptionBase): NodeDescription {
  switch (spec.kind) {
    case 'source':
      return { ...links, type: 'source', topics: javaHashSetOrder(spec.topics.map((t) => t.name)) };
    case 'processor':
      return { ...links, type: 'processor', stores: javaHashSetOrder(spec.stores) };
    case 'sink':
      return typeof spec.topic === 'function'
        ? { ...links, type: 'sink', topic: undefined, extractor: spec.topic.name || '<anonymous>' }
        : { ...links, type: 'sink', topic: spec.topic.name, extractor: undefined };
  }
}

// Diagrams

interface Edges {
  readonly topics: string[];
  /** [from, to] pairs; topics are `topic:<name>`. */
  readonly links: [string, string][];
}

function collect(subtopologies: readonly SubtopologyDescription[]): Edges {
  const topics: string[] = [];
  const links: [string, string][] = [];
  const topic = (name: string): string => {
    if (!topics.includes(name)) topics.push(name);
    return `topic:${name}`;
  };
  for (const s of subtopologies)
    for (const n of s.nodes) {
      if (n.type === 'source') for (const t of n.topics) links.push([topic(t), n.name]);
      for (const succ of n.successors) links.push([n.name, succ]);
      if (n.type === 'sink') links.push([n.name, topic(n.topic ?? `${n.extractor ?? ''}()`)]);
    }
  return { topics, links };
}

function nodeKind(n: NodeDescription): string {
  return n.type === 'source' ? 'Source' : n.type === 'sink' ? 'Sink' : 'Processor';
}

/** Mermaid flowchart text of `subtopologies`. */
function toMermaid(subtopologies: readonly SubtopologyDescription[]): string {
  const ids = new Map<string, string>();
  const id = (key: string): string => {
    let v = ids.get(key);
    if (v === undefined) {
      v = `n${ids.size}`;
      ids.set(key, v);
    }
    return v;
  };
  const label = (text: string): string => `"${text.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  for (const s of subtopologies) {
    lines.push(`  subgraph sub${s.id}[${label(`Sub-topology: ${s.id}`)}]`);
    for (const n of s.nodes) lines.push(`    ${id(n.name)}[${label(`${nodeKind(n)}: ${n.name}`)}]`);
    lines.push('  end');
  }
  const { topics, links } = collect(subtopologies);
  for (const t of topics) lines.push(`  ${id(`topic:${t}`)}[(${label(t)})]`);
  for (const [from, to] of links) lines.push(`  ${id(from)} --> ${id(to)}`);
  return `${lines.join('\n')}\n`;
}

/** Graphviz DOT text of `subtopologies`. */
function toDot(subtopologies: readonly SubtopologyDescription[]): string {
  const q = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph topology {', '  rankdir=LR;', '  node [shape=box];'];
  for (const s of subtopologies) {
    lines.push(`  subgraph cluster_${s.id} {`, `    label=${q(`Sub-topology: ${s.id}`)};`);
    for (const n of s.nodes)
      lines.push(`    ${q(n.name)} [label=${q(`${nodeKind(n)}: ${n.name}`)}];`);
    lines.push('  }');
  }
  const { topics, links } = collect(subtopologies);
  for (const t of topics) lines.push(`  ${q(`topic:${t}`)} [label=${q(t)}, shape=cylinder];`);
  for (const [from, to] of links) lines.push(`  ${q(from)} -> ${q(to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
