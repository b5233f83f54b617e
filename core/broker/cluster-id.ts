/**
 * The cluster id and Kafka-style UUIDs. Like Kafka, fjord keeps `cluster.id` in the data folder's
 * `meta.properties`, written on first start and read back on every later one, so a restarted
 * broker answers Metadata and DescribeCluster with the same id.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { StorageError } from '../util/errors.js';
import { writeFileAtomic } from '../log/file-io.js';
import { readPropertiesFile } from './broker-config.js';

/** The file in the data folder holding `cluster.id`, as Kafka names it. */
export const META_PROPERTIES_FILE = 'meta.properties';

/** Kafka's zero UUID (`AAAAAAAAAAAAAAAAAAAAAA`): never handed out as an id. */
const ZERO_UUID_STRING = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Kafka's reserved id of the metadata topic (`AAAAAAAAAAAAAAAAAAAAAQ`): never handed out. */
const METADATA_TOPIC_ID_STRING = 'AAAAAAAAAAAAAAAAAAAAAQ';

/**
 * A random (version 4) UUID in Kafka's string form: its 16 bytes as 22 unpadded base64url
 * characters, the form the protocol codec reads and writes for `uuid` fields. Like Kafka's
 * `Uuid.randomUuid()`, it never returns the two reserved ids nor a string starting with `-`
 * (which a command line would take for an option).
 *
 * @param randomBytes the entropy source; tests and simulations may pass a seeded one.
 * @example
 * ```ts
 * const topicId = randomUuid(); // e.g. 'q7wHp2VuQ8CFZJ9nYcXg6w'
 * ```
 */
export function randomUuid(
  randomBytes: (size: number) => Uint8Array = (size) => crypto.randomBytes(size),
): string {
  for (;;) {
    const bytes = Buffer.from(randomBytes(16));
    const b6 = bytes[6] ?? 0;
    const b8 = bytes[8] ?? 0;
    bytes[6] = (b6 & 0x0f) | 0x40; // version 4
    bytes[8] = (b8 & 0x3f) | 0x80; // IETF variant
    const id = bytes.toString('base64url');
    if (id !== ZERO_UUID_STRING && id !== METADATA_TOPIC_ID_STRING && !id.startsWith('-')) {
      return id;
    }
  }
}

/**
 * Returns the cluster id kept in `<dataDir>/meta.properties`, creating the folder, the file or
 * the `cluster.id` line on first use (other lines of an existing file are kept). The file is
 * written atomically (temp file, fsync, rename), so a crash never leaves a torn id behind.
 *
 * @param newId makes the id when none is stored yet; defaults to {@link randomUuid}.
 * @throws StorageError when the file exists but has an empty `cluster.id`, or cannot be read or
 *   written.
 * @example
 * ```ts
 * const clusterId = ensureClusterId('/var/lib/fjord'); // same value on every later start
 * ```
 */
export function ensureClusterId(dataDir: string, newId: () => string = randomUuid): string {
  const file = path.join(dataDir, META_PROPERTIES_FILE);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    const props = fs.existsSync(file) ? readPropertiesFile(file) : {};
    const existing = props['cluster.id'];
    if (existing !== undefined) {
      if (existing === '') throw new StorageError(`${file}: cluster.id is empty`);
      return existing;
    }
    const clusterId = newId();
    const lines = ['#Written by fjord; cluster.id must not change once set.', 'version=1'];
    for (const [name, value] of Object.entries(props)) {
      if (name !== 'version') lines.push(`${name}=${value}`);
    }
    lines.push(`cluster.id=${clusterId}`);
    writeFileAtomic(file, `${lines.join('\n')}\n`);
    return clusterId;
  } catch (err) {
    if (err instanceof StorageError) throw err;
    throw new StorageError(`cannot read or write ${file}: ${String(err)}`, { cause: err });
  }
}
