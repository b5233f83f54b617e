import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../../core/index.js';
import { StreamsApp } from '../../../../streams/runtime/streams-app.js';
import type { StreamsState } from '../../../../streams/runtime/streams-state.js';
import { cleanerTopology } from '../../../helpers/streams-pipelines.js';

// Nothing here connects: a StreamsApp only reaches the cluster in start().
const CONFIG = { 'application.id': 'unit', 'bootstrap.servers': '127.0.0.1:1' } as const;

describe('StreamsApp before start', () => {
  it('checks its config when constructed', () => {
    expect(
      () => new StreamsApp(cleanerTopology('in', 'out'), { ...CONFIG, 'num.stream.threads': 4 }),
    ).toThrow(ConfigError);
  });

  it('closes from CREATED straight to NOT_RUNNING, and cannot start then', async () => {
    const app = new StreamsApp(cleanerTopology('in', 'out'), CONFIG, { handleSignals: false });
    const seen: StreamsState[] = [];
    app.onStateChange((next) => seen.push(next));
    expect(app.state).toBe('CREATED');
    expect(app.tasks).toEqual([]);
    expect(await app.close()).toBe(true);
    expect(seen).toEqual(['PENDING_SHUTDOWN', 'NOT_RUNNING']);
    await expect(app.start()).rejects.toThrow(/needs state CREATED/);
    expect(app.metrics).toEqual({
      recordsProcessed: 0,
      recordsProduced: 0,
      recordsPending: 0,
      recordsCommitted: 0,
      commits: 0,
      commitsFailed: 0,
      errors: { deserialization: 0, processing: 0, production: 0 },
      deadLettered: 0,
      rebalances: 0,
      activeTasks: 0,
      storesRestored: 0,
      recordsRestored: 0,
      standbyTasks: 0,
      standbyRecords: 0,
    });
  });
});
