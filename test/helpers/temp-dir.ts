import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterEach } from 'vitest';

/** A fresh folder under the OS temp dir; removed by the returned cleanup. */
export function makeTempDir(prefix = 'fjord-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    cleanup: () => {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Call at a test file's top level: a maker of fresh folders (each named `prefix…`), all removed
 * after each test.
 */
export function tempDirsPerTest(prefix: string): () => string {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  return () => {
    const t = makeTempDir(prefix);
    cleanups.push(t.cleanup);
    return t.dir;
  };
}
