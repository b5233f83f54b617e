/**
 * `npm run bench:log` — the partition log against the machine's raw sequential file speed.
 *
 * Appends BENCH_RECORDS (default 10 million) records of 100 B in ~16 KiB batches to one partition
 * and reads them all back, then writes and reads a file of the same size with plain fs calls in the
 * same chunk sizes. Batches are encoded before the clock starts, so this measures the log, not the
 * encoder. Both sides end their write phase with one fsync and read from the page cache; reads are
 * repeated three times and the best pass of each side is reported.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { PartitionLog } from '../../core/log/partition-log.js';
import { batchSize } from '../../core/protocol/records/batch-header.js';
import { encodeRecordBatch } from '../../core/protocol/records/record-batch.js';
import { nowNs, percentiles, rate } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000_000);
const RECORD_BYTES = 100;
const BATCH_TARGET_BYTES = 16 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;
const DISTINCT_BATCHES = 64;
const READ_PASSES = 3;

function encodeBatches(): { batches: Buffer[]; recordsPerBatch: number } {
  // Key 10 B + value 90 B = 100 B of payload per record; ~8 B of record framing on top.
  const probe = encodeRecordBatch([{ key: Buffer.alloc(10), value: Buffer.alloc(90) }]);
  const perRecord = probe.length - 61 + 2;
  const recordsPerBatch = Math.floor((BATCH_TARGET_BYTES - 61) / perRecord);
  const batches: Buffer[] = [];
  for (let b = 0; b < DISTINCT_BATCHES; b++) {
    const records = Array.from({ length: recordsPerBatch }, (_, i) => ({
      key: Buffer.from(`key-${String((b * recordsPerBatch + i) % 100000).padStart(6, '0')}`),
      value: Buffer.alloc(RECORD_BYTES - 10, 97 + (i % 26)),
      timestamp: 1_700_000_000_000 + b,
    }));
    batches.push(encodeRecordBatch(records));
  }
  return { batches, recordsPerBatch };
}

interface Speeds {
  bytes: number;
  writeMBps: number;
  readMBps: number;
}

const mbps = (bytes: number, ns: bigint): number => bytes / (Number(ns) / 1e9) / 1e6;

async function benchLog(dir: string, batches: Buffer[], recordsPerBatch: number): Promise<Speeds> {
  const log = PartitionLog.open(path.join(dir, 'bench-0'));
  const totalBatches = Math.ceil(RECORDS / recordsPerBatch);
  const appendLatency = new Float64Array(totalBatches);
  let bytes = 0;
  const start = nowNs();
  for (let i = 0; i < totalBatches; i++) {
    const batch = batches[i % batches.length]!;
    const t = nowNs();
    log.append(batch);
    appendLatency[i] = Number(nowNs() - t);
    bytes += batch.length;
  }
  await log.flush();
  const appendNs = nowNs() - start;
  const records = totalBatches * recordsPerBatch;
  console.log(
    `${rate('fjord log append', records, bytes, appendNs)}  append latency ${percentiles(appendLatency)}`,
  );

  // Reads are repeated and the best pass kept, on both sides: the page cache makes single passes
  // noisy on a shared machine.
  let best: { ns: bigint; bytes: number; records: number; latency: number[] } | undefined;
  for (let pass = 0; pass < READ_PASSES; pass++) {
    const latency: number[] = [];
    let offset = 0;
    let readBytes = 0;
    let readRecords = 0;
    const readStart = nowNs();
    while (offset < log.logEndOffset) {
      const t = nowNs();
      const { records: chunk, nextOffset } = await log.read(offset, READ_CHUNK_BYTES);
      latency.push(Number(nowNs() - t));
      readBytes += chunk.length;
      for (let pos = 0; pos < chunk.length; pos += batchSize(chunk, pos))
        readRecords += chunk.readInt32BE(pos + 57);
      offset = nextOffset;
    }
    const ns = nowNs() - readStart;
    if (readRecords !== records)
      throw new Error(`read back ${readRecords} records, appended ${records}`);
    if (best === undefined || ns < best.ns)
      best = { ns, bytes: readBytes, records: readRecords, latency };
  }
  if (best === undefined) throw new Error('no read pass ran');
  console.log(
    `${rate('fjord log read', best.records, best.bytes, best.ns)}  read(1 MiB) latency ${percentiles(best.latency)}`,
  );
  const readNs = best.ns;
  const readBytes = best.bytes;
  log.close();
  return { bytes, writeMBps: mbps(bytes, appendNs), readMBps: mbps(readBytes, readNs) };
}

function benchRaw(dir: string, batches: Buffer[], totalBytes: number): Speeds {
  const file = path.join(dir, 'raw.bin');
  const fd = fs.openSync(file, 'w');
  let written = 0;
  const start = nowNs();
  for (let i = 0; written < totalBytes; i++) {
    const chunk = batches[i % batches.length]!;
    written += fs.writeSync(fd, chunk, 0, chunk.length, written);
  }
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  const writeNs = nowNs() - start;
  console.log(rate('raw fs write (same chunks)', 0, written, writeNs));

  let readNs: bigint | undefined;
  let read = 0;
  for (let pass = 0; pass < READ_PASSES; pass++) {
    const rfd = fs.openSync(file, 'r');
    read = 0;
    const readStart = nowNs();
    for (;;) {
      // A fresh buffer per read, as the log allocates one per read too.
      const n = fs.readSync(rfd, Buffer.allocUnsafe(READ_CHUNK_BYTES), 0, READ_CHUNK_BYTES, read);
      if (n === 0) break;
      read += n;
    }
    fs.closeSync(rfd);
    const ns = nowNs() - readStart;
    if (readNs === undefined || ns < readNs) readNs = ns;
  }
  if (readNs === undefined) throw new Error('no read pass ran');
  console.log(rate('raw fs read (1 MiB chunks)', 0, read, readNs));
  return { bytes: written, writeMBps: mbps(written, writeNs), readMBps: mbps(read, readNs) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-bench-'));
  try {
    const encodeStart = nowNs();
    const { batches, recordsPerBatch } = encodeBatches();
    console.log(
      `log bench: ${RECORDS.toLocaleString()} records of ${RECORD_BYTES} B, ${recordsPerBatch} per batch ` +
        `(${batches[0]?.length} B batches), encoded in ${(Number(nowNs() - encodeStart) / 1e6).toFixed(0)} ms`,
    );
    const log = await benchLog(dir, batches, recordsPerBatch);
    const raw = benchRaw(dir, batches, log.bytes);
    const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(0)}%`;
    console.log(
      `append = ${pct(log.writeMBps, raw.writeMBps)} of raw write speed, ` +
        `read = ${pct(log.readMBps, raw.readMBps)} of raw read speed (targets: ≥ 70% each, ≥ 2 M records/s append)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
