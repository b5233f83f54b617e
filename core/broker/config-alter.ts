/**
 * What AlterConfigs and IncrementalAlterConfigs share: walking the resources of a request with
 * per-resource errors, and computing a topic's new override set from incremental operations.
 */
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import { logConfigToProperties } from '../log/log-config.js';
import type { BrokerContext, TopicMetadata } from './broker-context.js';
import { ConfigResourceType, isListConfig } from './config-entries.js';
import { requireTopic, toErrorResult, validateTopicName } from './topic-admin.js';

/** A resource as the alter requests name it. */
export interface ConfigResourceRef {
  readonly resourceType: number;
  readonly resourceName: string;
}

/** One resource's outcome, as both alter responses carry it. */
export interface AlterResourceResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly resourceType: number;
  readonly resourceName: string;
}

/**
 * Runs `alterTopic` for every topic resource of a request and collects per-resource results.
 * A resource named twice is INVALID_REQUEST (42), as in Kafka; an illegal topic name
 * INVALID_TOPIC_EXCEPTION (17), an unknown one UNKNOWN_TOPIC_OR_PARTITION (3). Broker resources
 * are INVALID_REQUEST: fjord has no dynamic broker configs (its broker properties are read at
 * start-up), and answering success without applying anything would mislead. Other resource types
 * are INVALID_REQUEST too.
 */
export function alterConfigResources<R extends ConfigResourceRef>(
  broker: BrokerContext,
  resources: readonly R[],
  alterTopic: (topic: TopicMetadata, resource: R) => unknown,
): Promise<AlterResourceResult[]> {
  const key = (r: ConfigResourceRef): string => `${r.resourceType}:${r.resourceName}`;
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  // One resource at a time, in request order: a cluster store answers each change asynchronously.
  return sequentially(resources, async (resource) => {
    const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    try {
      if ((counts.get(key(resource)) ?? 0) > 1) {
        throw new FjordError('Duplicate resource in the request.', ErrorCode.INVALID_REQUEST);
      }
      if (resource.resourceType === ConfigResourceType.BROKER) {
        throw new FjordError(
          'fjord has no dynamic broker configs: set broker properties in its config and restart.',
          ErrorCode.INVALID_REQUEST,
        );
      }
      if (resource.resourceType !== ConfigResourceType.TOPIC) {
        throw new FjordError(
          `Unsupported resource type ${resource.resourceType}; fjord alters topic configs (2).`,
          ErrorCode.INVALID_REQUEST,
        );
      }
      validateTopicName(resource.resourceName);
      await alterTopic(requireTopic(broker, resource.resourceName), resource);
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (err) {
      return { ...base, ...toErrorResult(err) };
    }
  });
}

/** Maps `items` through `f` one after another (never concurrently), in order. */
export async function sequentially<T, U>(
  items: readonly T[],
  f: (item: T) => Promise<U>,
): Promise<U[]> {
  const out: U[] = [];
  for (const item of items) out.push(await f(item));
  return out;
}

/** IncrementalAlterConfigs' operations, numbered as Kafka's `AlterConfigOp.OpType`. */
export const ConfigOperation = {
  SET: 0,
  DELETE: 1,
  APPEND: 2,
  SUBTRACT: 3,
} as const;
/** An incremental config operation number. */
export type ConfigOperation = (typeof ConfigOperation)[keyof typeof ConfigOperation];

/** One incremental change. */
export interface ConfigChange {
  readonly name: string;
  readonly configOperation: number;
  readonly value: string | null;
}

function listItems(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * The override set `topic` has after applying `changes` in order: SET replaces a value, DELETE
 * removes the override (back to the broker default; deleting an absent one is a no-op), APPEND
 * and SUBTRACT add or remove items of a list config (`cleanup.policy`), starting from the
 * override or, without one, the broker default. The result is not validated here.
 *
 * @throws FjordError INVALID_REQUEST (42) for a key named twice or an unknown operation;
 *   INVALID_CONFIG (40) for a null value or APPEND/SUBTRACT on a config that is not a list.
 */
export function applyConfigChanges(
  broker: BrokerContext,
  topic: TopicMetadata,
  changes: readonly ConfigChange[],
): Record<string, string> {
  // A Map, not an object: names come from the wire, and `__proto__` must stay a plain key.
  const next = new Map(Object.entries(topic.configs));
  const defaults = logConfigToProperties(broker.config.logDefaults);
  const seen = new Set<string>();
  for (const { name, configOperation, value } of changes) {
    if (seen.has(name)) {
      throw new FjordError(`Config ${name} is changed more than once.`, ErrorCode.INVALID_REQUEST);
    }
    seen.add(name);
    if (configOperation === ConfigOperation.DELETE) {
      next.delete(name);
      continue;
    }
    if (value === null) {
      throw new FjordError(
        `Null value not supported for config ${name}.`,
        ErrorCode.INVALID_CONFIG,
      );
    }
    switch (configOperation) {
      case ConfigOperation.SET:
        next.set(name, value);
        break;
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        if (!isListConfig(name)) {
          const verb = configOperation === ConfigOperation.APPEND ? 'append' : 'subtract';
          throw new FjordError(
            `Config value ${verb} is not allowed for config key: ${name}`,
            ErrorCode.INVALID_CONFIG,
          );
        }
        const current = listItems(next.get(name) ?? defaults[name] ?? '');
        const items = listItems(value);
        next.set(
          name,
          configOperation === ConfigOperation.APPEND
            ? [...current, ...items.filter((v) => !current.includes(v))].join(',')
            : current.filter((v) => !items.includes(v)).join(','),
        );
        break;
      }
      default:
        throw new FjordError(
          `Unknown config operation ${configOperation} for ${name}.`,
          ErrorCode.INVALID_REQUEST,
        );
    }
  }
  return Object.fromEntries(next);
}
