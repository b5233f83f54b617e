import * as fs from 'node:fs';
import * as path from 'node:path';

import { writeFileAtomic } from './file-io.js';

/** The name of the per-partition state file. */
export const LOG_STATE_FILE = 'log-state.json';

/**
 * What a partition folder remembers between runs, written atomically:
 * - `logStartOffset`, which DeleteRecords can move inside a segment;
 * - `recoveryPoint`: every offset below it is fsynced, so recovery starts at its segment;
 * - `cleanShutdown`: set on close, cleared on open; when set, nothing needs recovery.
 */
export interface LogState {
  readonly logStartOffset: number;
  readonly recoveryPoint: number;
  readonly cleanShutdown: boolean;
}

function isLogState(value: unknown): value is LogState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(v.logStartOffset) &&
    Number.isSafeInteger(v.recoveryPoint) &&
    typeof v.cleanShutdown === 'boolean'
  );
}

/** Reads the state file; undefined when missing or unreadable (then everything is recovered). */
export function readLogState(dir: string): LogState | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, LOG_STATE_FILE), 'utf8'));
    return isLogState(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writeLogState(dir: string, state: LogState): void {
  writeFileAtomic(path.join(dir, LOG_STATE_FILE), JSON.stringify(state));
}
