/**
 * The single-broker topic store: every topic's name, id, partition count and config overrides in
 * one JSON file in the data folder.
 *
 * ```
 * <log.dirs>/topics.json
 * { "version": 1,
 *   "topics": [ { "name": "orders", "topicId": "q7wHp2VuQ8CFZJ9nYcXg6w",
 *                 "partitionCount": 3, "configs": { "retention.ms": "86400000" } } ] }
 * ```
 *
 * Every change rewrites the file atomically (temp file, fsync, rename, fsync of the folder) before
 * the in-memory view changes, so after a crash the file holds either the old or the new state,
 * and a failed write leaves memory and disk agreeing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ErrorCode } from '../util/error-codes.js';
import { FjordError, StorageError } from '../util/errors.js';
import { writeFileAtomic } from '../log/file-io.js';
import { randomUuid } from './cluster-id.js';
import type { TopicMetadata, TopicStore } from './broker-context.js';

/** The store's file name inside the data folder. */
export const TOPICS_FILE = 'topics.json';

/** The file format's version; a file with another version is refused rather than misread. */
const FORMAT_VERSION = 1;

const UUID_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** Options of {@link FileTopicStore}. */
export interface FileTopicStoreOptions {
  /** Makes topic ids; defaults to a random UUID. Simulations pass a seeded one. */
  readonly newTopicId?: () => string;
}

interface TopicsFile {
  readonly version: number;
  readonly topics: readonly TopicMetadata[];
}

/**
 * A {@link TopicStore} persisted in `<dataDir>/topics.json`. Topic ids are random UUIDs in the
 * codec's form (22 base64url characters). The store checks what it stores (unique names,
 * partition counts ≥ 1 that only grow) but not names or configs: validating those is the admin
 * layer's job (topic-admin.ts).
 *
 * @example
 * ```ts
 * const store = new FileTopicStore('/var/lib/fjord');
 * const topic = store.create('orders', 3, { 'cleanup.policy': 'compact' });
 * // after a restart:
 * new FileTopicStore('/var/lib/fjord').get('orders')?.topicId === topic.topicId; // true
 * ```
 */
export class FileTopicStore implements TopicStore {
  /** The JSON file this store lives in. */
  readonly file: string;
  private topics: ReadonlyMap<string, TopicMetadata>;
  private readonly newTopicId: () => string;

  /**
   * Loads the store from `dataDir`, creating the folder if needed; a missing file is an empty
   * store. Throws {@link StorageError} for a file that cannot be read or does not parse.
   */
  constructor(dataDir: string, options: FileTopicStoreOptions = {}) {
    this.file = path.join(dataDir, TOPICS_FILE);
    this.newTopicId = options.newTopicId ?? (() => randomUuid());
    try {
      fs.mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      throw new StorageError(`cannot create ${dataDir}: ${String(err)}`, { cause: err });
    }
    this.topics = this.load();
  }

  list(): readonly TopicMetadata[] {
    return [...this.topics.values()];
  }

  get(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  create(
    name: string,
    partitionCount: number,
    configs: Readonly<Record<string, string>>,
  ): TopicMetadata {
    if (this.topics.has(name)) {
      throw new FjordError(`Topic '${name}' already exists.`, ErrorCode.TOPIC_ALREADY_EXISTS);
    }
    checkPartitionCount(partitionCount);
    const used = new Set([...this.topics.values()].map((t) => t.topicId));
    let topicId = this.newTopicId();
    while (used.has(topicId)) topicId = this.newTopicId();
    if (!UUID_PATTERN.test(topicId)) {
      throw new FjordError(`topic id generator returned ${topicId}, not a 22-character UUID`);
    }
    const topic = freezeTopic({ name, topicId, partitionCount, configs });
    this.commit(new Map(this.topics).set(name, topic));
    return topic;
  }

  delete(name: string): void {
    this.require(name);
    const next = new Map(this.topics);
    next.delete(name);
    this.commit(next);
  }

  setConfigs(name: string, configs: Readonly<Record<string, string>>): TopicMetadata {
    const topic = freezeTopic({ ...this.require(name), configs });
    this.commit(new Map(this.topics).set(name, topic));
    return topic;
  }

  setPartitionCount(name: string, partitionCount: number): TopicMetadata {
    const current = this.require(name);
    checkPartitionCount(partitionCount);
    if (partitionCount <= current.partitionCount) {
      throw new FjordError(
        `Topic '${name}' has ${current.partitionCount} partitions; the count can only grow.`,
        ErrorCode.INVALID_PARTITIONS,
      );
    }
    const topic = freezeTopic({ ...current, partitionCount });
    this.commit(new Map(this.topics).set(name, topic));
    return topic;
  }

  private require(name: string): TopicMetadata {
    const topic = this.topics.get(name);
    if (topic === undefined) {
      throw new FjordError(`Topic '${name}' does not exist.`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    return topic;
  }

  /** Writes `next` to disk, then makes it the current state. */
  private commit(next: Map<string, TopicMetadata>): void {
    const sorted = [...next.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    const body: TopicsFile = { version: FORMAT_VERSION, topics: sorted };
    try {
      writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`);
    } catch (err) {
      throw new StorageError(`cannot write ${this.file}: ${String(err)}`, { cause: err });
    }
    this.topics = new Map(sorted.map((t) => [t.name, t]));
  }

  private load(): Map<string, TopicMetadata> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new StorageError(`cannot read ${this.file}: ${String(err)}`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new StorageError(`${this.file} is not valid JSON: ${String(err)}`, { cause: err });
    }
    return new Map(parseTopicsFile(parsed, this.file).map((t) => [t.name, t]));
  }
}

function checkPartitionCount(partitionCount: number): void {
  if (!Number.isSafeInteger(partitionCount) || partitionCount < 1) {
    throw new FjordError(
      `A topic needs at least one partition, not ${partitionCount}.`,
      ErrorCode.INVALID_PARTITIONS,
    );
  }
}

function freezeTopic(topic: TopicMetadata): TopicMetadata {
  return Object.freeze({
    name: topic.name,
    topicId: topic.topicId,
    partitionCount: topic.partitionCount,
    configs: Object.freeze({ ...topic.configs }),
  });
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the shape of a parsed topics file; anything unexpected is a storage error. */
function parseTopicsFile(parsed: unknown, file: string): TopicMetadata[] {
  const bad = (what: string): StorageError => new StorageError(`${file}: ${what}`);
  if (!isRecord(parsed) || parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.topics)) {
    throw bad(`expected {"version": ${FORMAT_VERSION}, "topics": [...]}`);
  }
  const seen = new Set<string>();
  return (parsed.topics as unknown[]).map((entry, i) => {
    if (!isRecord(entry)) throw bad(`topic #${i} is not an object`);
    const { name, topicId, partitionCount, configs } = entry;
    if (typeof name !== 'string' || name === '' || seen.has(name)) {
      throw bad(`topic #${i} has a missing or duplicate name`);
    }
    seen.add(name);
    if (typeof topicId !== 'string' || !UUID_PATTERN.test(topicId)) {
      throw bad(`topic ${name} has a malformed topicId`);
    }
    if (typeof partitionCount !== 'number' || !Number.isSafeInteger(partitionCount)) {
      throw bad(`topic ${name} has a malformed partitionCount`);
    }
    if (partitionCount < 1) throw bad(`topic ${name} has ${partitionCount} partitions`);
    if (!isRecord(configs) || Object.values(configs).some((v) => typeof v !== 'string')) {
      throw bad(`topic ${name} has malformed configs`);
    }
    return freezeTopic({
      name,
      topicId,
      partitionCount,
      configs: configs as Readonly<Record<string, string>>,
    });
  });
}
