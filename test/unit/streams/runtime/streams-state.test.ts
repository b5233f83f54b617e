import { afterEach, describe, expect, it } from 'vitest';

import { silentLogger } from '../../../../core/index.js';
import { installShutdownSignals } from '../../../../streams/runtime/shutdown-signals.js';
import {
  StreamsStateMachine,
  type StreamsState,
} from '../../../../streams/runtime/streams-state.js';

describe('StreamsStateMachine', () => {
  it('follows Kafka Streams’ transitions and tells every listener', () => {
    const m = new StreamsStateMachine(silentLogger);
    const seen: string[] = [];
    const stop = m.listen((next, previous, error) => {
      seen.push(`${previous}>${next}${error === undefined ? '' : `:${error.message}`}`);
    });
    expect(m.moveTo('RUNNING')).toBe(false);
    expect(m.moveTo('REBALANCING')).toBe(true);
    expect(m.moveTo('REBALANCING')).toBe(false);
    expect(m.moveTo('RUNNING')).toBe(true);
    expect(m.moveTo('REBALANCING')).toBe(true);
    expect(m.moveTo('ERROR', new Error('boom'))).toBe(true);
    expect(m.moveTo('RUNNING')).toBe(false);
    stop();
    expect(m.moveTo('PENDING_SHUTDOWN')).toBe(true);
    expect(seen).toEqual([
      'CREATED>REBALANCING',
      'REBALANCING>RUNNING',
      'RUNNING>REBALANCING',
      'REBALANCING>ERROR:boom',
    ]);
  });

  it('ends in NOT_RUNNING, from which nothing leads on', () => {
    const m = new StreamsStateMachine(silentLogger);
    const path: StreamsState[] = ['PENDING_SHUTDOWN', 'NOT_RUNNING'];
    for (const s of path) expect(m.moveTo(s)).toBe(true);
    for (const s of [
      'CREATED',
      'REBALANCING',
      'RUNNING',
      'PENDING_SHUTDOWN',
      'ERROR',
    ] as StreamsState[])
      expect(m.canMoveTo(s)).toBe(false);
  });

  it('keeps going when a listener throws', () => {
    const m = new StreamsStateMachine(silentLogger);
    const seen: StreamsState[] = [];
    m.listen(() => {
      throw new Error('listener bug');
    });
    m.listen((next) => seen.push(next));
    m.moveTo('REBALANCING');
    expect(seen).toEqual(['REBALANCING']);
  });
});

describe('installShutdownSignals', () => {
  // Another listener stays installed, so the handler never re-raises the signal in the test.
  const keepAlive = (): void => undefined;
  afterEach(() => {
    process.removeListener('SIGTERM', keepAlive);
  });

  it('shuts down once on SIGTERM, ignores a second signal, and removes its handlers after', async () => {
    process.on('SIGTERM', keepAlive);
    const before = process.listenerCount('SIGINT');
    let calls = 0;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    installShutdownSignals(() => {
      calls++;
      return done;
    }, silentLogger);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    expect(calls).toBe(1);
    finish();
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listeners('SIGTERM')).toEqual([keepAlive]);
  });

  it('removes its handlers on request', () => {
    const before = process.listenerCount('SIGTERM');
    const handlers = installShutdownSignals(() => Promise.resolve(), silentLogger);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    handlers.remove();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
