/**
 * `npm run bench:state-engines` — the embedded stores a persistent state store could sit on,
 * measured on the store's own workload (what a key-value store of a task does):
 *   1. batch writes: BENCH_KEYS (default 1,000,000) small keys (`key-0000000`, 12 B) with 8 B
 *      values, put in random order, in write batches of BENCH_BATCH (default 10,000) per
 *      transaction (the store buffers writes and writes a batch per flush or when full);
 *   2. random point reads of BENCH_GETS (default 1,000,000) keys;
 *   3. range scans: BENCH_SCANS (default 10,000) scans of 100 consecutive keys each;
 *   4. overwrite: every key again, batched (an aggregation rewriting its keys);
 *   5. size on disk per key.
 * Engines: `lmdb` and `better-sqlite3`. Only the chosen one (lmdb) is a dependency of fjord; to
 * measure the other, install it anywhere and point BENCH_ENGINES_NODE_MODULES at the folder
 * holding its node_modules (e.g. `npm install better-sqlite3@12` in /tmp/engines).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const GETS = Number(process.env.BENCH_GETS ?? 1_000_000);
const SCANS = Number(process.env.BENCH_SCANS ?? 10_000);
const SCAN_LENGTH = 100;

const keyOf = (i: number): Buffer => Buffer.from(`key-${String(i).padStart(7, '0')}`, 'latin1');

/** A deterministic shuffle (xorshift), so every engine sees the same order. */
function shuffled(n: number, seed: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    const t = a[i] ?? 0;
    a[i] = a[j] ?? 0;
    a[j] = t;
  }
  return a;
}

/** What the bench asks of an engine. */
interface Engine {
  readonly name: string;
  writeBatch(entries: readonly (readonly [Buffer, Buffer])[]): void;
  get(key: Buffer): Buffer | undefined;
  /** Entries from `from` on, at most `limit`; returns how many were read. */
  scan(from: Buffer, limit: number): number;
  close(): void;
}

interface LmdbDb {
  getBinary(key: Buffer): Buffer | undefined;
  putSync(key: Buffer, value: Buffer): void;
  transactionSync<T>(action: () => T): T;
  getRange(options: { start: Buffer; limit: number }): Iterable<{ key: Buffer; value: Buffer }>;
  close(): Promise<void>;
}
interface LmdbModule {
  open(options: {
    path: string;
    keyEncoding: 'binary';
    encoding: 'binary';
    noSync?: boolean;
  }): LmdbDb;
}
interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  iterate(...params: unknown[]): Iterable<unknown>;
}
interface SqliteDb {
  pragma(p: string): unknown;
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}
type SqliteCtor = new (path: string) => SqliteDb;

function loader(): (name: string) => unknown {
  const here = createRequire(import.meta.url);
  const extra = process.env.BENCH_ENGINES_NODE_MODULES;
  const there = extra === undefined ? undefined : createRequire(join(extra, 'package.json'));
  return (name) => {
    try {
      return here(name) as unknown;
    } catch {
      return there?.(name) as unknown;
    }
  };
}

function lmdbEngine(load: (name: string) => unknown, dir: string): Engine | undefined {
  const lmdb = load('lmdb') as LmdbModule | undefined;
  if (lmdb === undefined) return undefined;
  const db = lmdb.open({ path: dir, keyEncoding: 'binary', encoding: 'binary' });
  return {
    name: 'lmdb',
    writeBatch: (entries) => {
      db.transactionSync(() => {
        for (const [k, v] of entries) db.putSync(k, v);
      });
    },
    get: (key) => db.getBinary(key),
    scan: (from, limit) => {
      let n = 0;
      for (const _ of db.getRange({ start: from, limit })) n++;
      return n;
    },
    close: () => void db.close(),
  };
}

function sqliteEngine(load: (name: string) => unknown, dir: string): Engine | undefined {
  const Database = load('better-sqlite3') as SqliteCtor | undefined;
  if (Database === undefined) return undefined;
  const db = new Database(join(dir, 'store.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
  const put = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
  const getStmt = db.prepare('SELECT v FROM kv WHERE k = ?');
  const scan = db.prepare('SELECT k, v FROM kv WHERE k >= ? ORDER BY k LIMIT ?');
  const batch = db.transaction((entries: readonly (readonly [Buffer, Buffer])[]) => {
    for (const [k, v] of entries) put.run(k, v);
  });
  return {
    name: 'better-sqlite3',
    writeBatch: (entries) => {
      batch(entries);
    },
    get: (key) => (getStmt.get(key) as { v: Buffer } | undefined)?.v,
    scan: (from, limit) => {
      let n = 0;
      for (const _ of scan.iterate(from, limit)) n++;
      return n;
    },
    close: () => {
      db.close();
    },
  };
}

function duSync(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    bytes += entry.isDirectory() ? duSync(p) : statSync(p).blocks * 512;
  }
  return bytes;
}

function timed(label: string, engine: string, ops: number, run: () => void): void {
  const t0 = process.hrtime.bigint();
  run();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${engine.padEnd(15)} ${label.padEnd(34)} ${Math.round(ops / s)
      .toLocaleString('en-US')
      .padStart(11)} ops/s  (${s.toFixed(2)} s)`,
  );
}

function bench(engine: Engine, dir: string): void {
  const value = Buffer.alloc(8, 7);
  const order = shuffled(KEYS, 42);
  const writeAll = (): void => {
    for (let from = 0; from < KEYS; from += BATCH) {
      const entries: [Buffer, Buffer][] = [];
      for (let i = from; i < Math.min(KEYS, from + BATCH); i++)
        entries.push([keyOf(order[i] ?? 0), value]);
      engine.writeBatch(entries);
    }
  };
  timed(`random puts, batches of ${BATCH}`, engine.name, KEYS, writeAll);
  const reads = shuffled(KEYS, 7);
  timed('random gets', engine.name, GETS, () => {
    for (let i = 0; i < GETS; i++)
      if (engine.get(keyOf(reads[i % KEYS] ?? 0)) === undefined) throw new Error('lost a key');
  });
  timed(`range scans of ${SCAN_LENGTH} (entries/s)`, engine.name, SCANS * SCAN_LENGTH, () => {
    for (let i = 0; i < SCANS; i++) {
      const from = reads[i % KEYS] ?? 0;
      const want = Math.min(SCAN_LENGTH, KEYS - from);
      if (engine.scan(keyOf(from), SCAN_LENGTH) !== want) throw new Error('short scan');
    }
  });
  timed('overwrite every key, batched', engine.name, KEYS, writeAll);
  const bytes = duSync(dir);
  console.log(
    `${engine.name.padEnd(15)} ${'disk'.padEnd(34)} ${(bytes / KEYS).toFixed(1).padStart(11)} B/key ` +
      `(${(bytes / 2 ** 20).toFixed(1)} MiB, 12 B key + 8 B value)`,
  );
}

const load = loader();
let ran = 0;
for (const make of [lmdbEngine, sqliteEngine]) {
  const dir = mkdtempSync(join(tmpdir(), 'fjord-engine-'));
  try {
    let engine: Engine | undefined;
    try {
      engine = make(load, dir);
    } catch (err) {
      console.log(`${make.name}: cannot load (${(err as Error).message.split('\n')[0]}), skipped`);
      continue;
    }
    if (engine === undefined) {
      console.log(`${make.name}: not installed, skipped (see BENCH_ENGINES_NODE_MODULES)`);
      continue;
    }
    bench(engine, dir);
    engine.close();
    ran++;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (ran === 0) process.exitCode = 1;
