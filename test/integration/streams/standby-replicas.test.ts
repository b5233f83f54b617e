import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { Consumer, type Admin, type Producer } from '../../../core/index.js';
import { StreamsApp } from '../../../streams/runtime/streams-app.js';
import { waitUntil } from '../../helpers/groups.js';
import { StreamsCluster } from '../../helpers/streams-harness.js';
import { COUNT_STORE, countTopology, sendKeys } from '../../helpers/stateful-pipelines.js';

/**
 * Holds back the batches of the consumers whose client id is `clientId` while closed: a batch
 * polled after the close is handed out only once the gate opens (dropped if the poll's signal
 * aborts first). `parked` resolves once such a reader is held (a batch held back, or a poll
 * begun after the close): from then on it applies nothing until the gate opens.
 */
function pollGate(clientId: string) {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its consumer as `this`
  const original = Consumer.prototype.poll;
  let closed = false;
  let open: () => void = () => undefined;
  let opened: Promise<void> = Promise.resolve();
  let park: () => void = () => undefined;
  let parked: Promise<void> = Promise.resolve();
  const spy = vi.spyOn(Consumer.prototype, 'poll').mockImplementation(async function (
    this: Consumer,
    signal?: AbortSignal,
  ) {
    const mine = this.options.clientId === clientId;
    if (mine && closed) park();
    const batch = await original.call(this, signal);
    if (!mine || !closed || batch === undefined) return batch;
    park();
    const aborted = new Promise<void>((resolve) => {
      if (signal?.aborted === true) resolve();
      signal?.addEventListener('abort', () => {
        resolve();
      });
    });
    await Promise.race([opened, aborted]);
    return signal?.aborted === true ? undefined : batch;
  });
  return {
    close(): void {
      closed = true;
      opened = new Promise((resolve) => (open = resolve));
      parked = new Promise((resolve) => (park = resolve));
    },
    get parked(): Promise<void> {
      return parked;
    },
    restore(): void {
      closed = false;
      open();
      spy.mockRestore();
    },
  };
}

describe('standby replicas in running apps', () => {
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
  });
  afterAll(() => cluster.close());

  function app(clientId: string, id = 'standby-tail', topics = ['sb-in', 'sb-out']): StreamsApp {
    const a = new StreamsApp(
      countTopology(topics[0] ?? '', topics[1] ?? ''),
      {
        'application.id': id,
        'client.id': clientId,
        'bootstrap.servers': cluster.bootstrap,
        'commit.interval.ms': 100,
        'consumer.fetch.max.wait.ms': 50,
        'num.standby.replicas': 1,
        // One changelog record per update, so offsets count updates.
        'statestore.cache.max.bytes': 0,
      },
      { handleSignals: false },
    );
    apps.push(a);
    return a;
  }

  async function changelogEnd(): Promise<number> {
    const ends = await admin.listOffsets('standby-tail-counts-changelog', 'latest', [0]);
    return ends.get(0)?.offset ?? 0;
  }

  it('the new active reads exactly the tail the standby had not applied', async () => {
    await admin.createTopic('sb-in', 1, 1);
    await admin.createTopic('sb-out', 1, 1);
    const truth = new Map<string, number>();
    const gate = pollGate('b-standby-consumer');
    try {
      const a = app('a');
      await a.start();
      await waitUntil('a runs 0_0', () => a.state === 'RUNNING' || undefined);
      await sendKeys(producer, 'sb-in', 200, 10, truth);
      await waitUntil(
        '200 updates logged',
        async () => (await changelogEnd()) === 200 || undefined,
      );

      const b = app('b');
      await b.start();
      await waitUntil('b stands by 0_0, caught up', () =>
        b.standbyTasks.includes('0_0') && b.metrics.standbyRecords === 200 ? true : undefined,
      );
      gate.close(); // b's standby reader applies nothing more
      await sendKeys(producer, 'sb-in', 300, 10, truth);
      await gate.parked;
      const standbyPosition = b.metrics.standbyRecords;
      await waitUntil(
        '500 updates logged',
        async () => (await changelogEnd()) === 500 || undefined,
      );
      const end = await changelogEnd();
      expect(b.metrics.standbyRecords).toBe(standbyPosition);

      expect(await a.close({ timeoutMs: 10_000 })).toBe(true);
      await waitUntil('b took 0_0 over', () =>
        b.state === 'RUNNING' && b.metrics.activeTasks === 1 ? true : undefined,
      );
      // The restore read the tail only: more than nothing, less than the whole changelog.
      expect(standbyPosition).toBe(200);
      expect(b.metrics.recordsRestored).toBe(end - standbyPosition);
      expect(b.metrics.recordsRestored).toBeGreaterThan(0);
      expect(b.metrics.recordsRestored).toBeLessThan(end);
      const store = b.store<string, number>(COUNT_STORE);
      for (const [k, n] of truth) expect(store.get(k)).toBe(n);
    } finally {
      gate.restore();
    }
  }, 60_000);

  it('a standby stays on the instance holding it when a new instance joins', async () => {
    await admin.createTopic('sticky-in', 2, 1);
    await admin.createTopic('sticky-out', 2, 1);
    const member = (clientId: string) =>
      app(clientId, 'standby-sticky', ['sticky-in', 'sticky-out']);
    const [a, b] = [member('a'), member('b')];
    await a.start();
    await b.start();
    await waitUntil(
      'a and b each run one task and stand by for the other',
      () =>
        [a, b].every(
          (x) =>
            x.state === 'RUNNING' && x.metrics.activeTasks === 1 && x.standbyTasks.length === 1,
        ) || undefined,
    );
    await sendKeys(producer, 'sticky-in', 100, 10, new Map());
    const applied = () => a.metrics.standbyRecords + b.metrics.standbyRecords;
    await waitUntil('the standbys applied all 100 updates', () => applied() === 100 || undefined);
    const before = { a: a.standbyTasks, b: b.standbyTasks };
    const rebalances = { a: a.metrics.rebalances, b: b.metrics.rebalances };

    // c is the least loaded member: without the reports it would take a standby over.
    const c = member('c');
    await c.start();
    await waitUntil('the group rebalanced with c', () =>
      c.metrics.rebalances >= 1 &&
      a.metrics.rebalances > rebalances.a &&
      b.metrics.rebalances > rebalances.b &&
      [a, b, c].every((x) => x.state === 'RUNNING')
        ? true
        : undefined,
    );
    expect({ a: a.standbyTasks, b: b.standbyTasks }).toEqual(before);
    expect(c.standbyTasks).toEqual([]);
    expect(applied()).toBe(100); // kept warm, not read again from the start
  }, 60_000);
});
