import * as fs from 'node:fs';

/**
 * The log's thin adapter over file descriptors: positioned reads and writes that loop until every
 * byte moved, because a short read or write is legal for both.
 */

/** Writes all of `data` at `position`. */
export function writeFully(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) {
    done += fs.writeSync(fd, data, done, data.length - done, position + done);
  }
}

/** Reads up to `length` bytes at `position` synchronously; fewer only at end of file. */
export function readSyncAt(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

function readOnce(
  fd: number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, offset, length, position, (err, bytesRead) => {
      if (err) reject(err);
      else resolve(bytesRead);
    });
  });
}

/** Reads up to `length` bytes at `position` on the thread pool; fewer only at end of file. */
export async function readAt(fd: number, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = await readOnce(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** fsync on the thread pool, so a flush never stalls the event loop. */
export function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.fsync(fd, (err) => {
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Writes a small file atomically: a temp file, fsync, rename over the target, fsync the folder. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeFully(fd, typeof data === 'string' ? Buffer.from(data) : data, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
  fsyncDir(path.slice(0, path.lastIndexOf('/')) || '.');
}

/** fsyncs a folder so renames and creations inside it survive a crash. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
