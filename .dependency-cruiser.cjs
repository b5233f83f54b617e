// The layering of ../shared/docs/STYLE.md, enforced: imports point down only and siblings never
// import each other.
//   core/util ← core/protocol ← core/network, core/log ← core/broker, core/client ← core/cli
//   core/broker, core/client ← core/embedded (an in-process broker for clients) ← core/index.ts, core/cli
// Outside core, code reaches core only through core/index.ts.
//   streams/serde ← streams/state ← streams/runtime ← streams/operators ← streams/dsl
//   ← streams/testing ← streams/index.ts (the public entry)
const layer = (name, allowed) => ({
  name: `${name.replace('/', '-')}-layer`,
  comment: `${name} may import only ${allowed.join(', ') || 'itself'}`,
  severity: 'error',
  from: { path: `^${name}/` },
  to: {
    path: '^core/',
    pathNot: [`^${name}/`, ...allowed.map((a) => `^${a}/`)],
  },
});

const streamsLayer = (name, allowed) => ({
  name: `streams-${name}-layer`,
  comment: `streams/${name} may import only ${allowed.map((a) => `streams/${a}`).join(', ') || 'itself'} of streams`,
  severity: 'error',
  from: { path: `^streams/${name}/` },
  to: {
    path: '^streams/',
    pathNot: [`^streams/${name}/`, ...allowed.map((a) => `^streams/${a}/`)],
  },
});

module.exports = {
  forbidden: [
    streamsLayer('serde', []),
    streamsLayer('state', ['serde']),
    streamsLayer('runtime', ['serde', 'state']),
    streamsLayer('operators', ['serde', 'state', 'runtime']),
    streamsLayer('dsl', ['serde', 'state', 'runtime', 'operators']),
    streamsLayer('testing', ['serde', 'state', 'runtime', 'operators', 'dsl']),
    layer('core/util', []),
    layer('core/protocol', ['core/util']),
    layer('core/network', ['core/util', 'core/protocol']),
    layer('core/log', ['core/util', 'core/protocol']),
    layer('core/broker', ['core/util', 'core/protocol', 'core/network', 'core/log']),
    layer('core/client', ['core/util', 'core/protocol', 'core/network']),
    layer('core/embedded', ['core/util', 'core/broker', 'core/client']),
    {
      name: 'embedded-only-from-the-top',
      comment: 'core/embedded joins broker and clients; only core/index.ts and core/cli use it',
      severity: 'error',
      from: { path: '^core/', pathNot: ['^core/index\\.ts$', '^core/cli/', '^core/embedded/'] },
      to: { path: '^core/embedded/' },
    },
    {
      name: 'core-is-self-contained',
      comment: 'nothing in core imports streams, connectors or examples',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(streams|connectors|examples)/' },
    },
    {
      name: 'outside-core-uses-public-face',
      comment: 'streams, connectors and examples reach core only through core/index.ts',
      severity: 'error',
      from: { path: '^(streams|connectors|examples)/' },
      to: { path: '^core/', pathNot: '^core/index\\.ts$' },
    },
    {
      name: 'streams-and-connectors-are-siblings',
      severity: 'error',
      from: { path: '^streams/' },
      to: { path: '^connectors/' },
    },
    {
      name: 'connectors-and-streams-are-siblings',
      severity: 'error',
      from: { path: '^connectors/' },
      to: { path: '^streams/' },
    },
    {
      name: 'no-circular',
      comment:
        'no import cycles; a cycle closed by an `import type` is allowed: it is erased at compile ' +
        'time, so it cannot cause an initialisation-order bug (KTable.toStream returns a KStream, ' +
        'KStream.groupBy leads to a KTable)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
