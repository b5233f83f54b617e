/**
 * DescribeConfigs (API key 32), v1–4.
 *
 * - Topic resources (type 2) list every topic config (LOG_CONFIG_NAMES) with its effective value
 *   and source: DYNAMIC_TOPIC_CONFIG (1) for an override, STATIC_BROKER_CONFIG (4) for a default
 *   set in the broker's properties, DEFAULT_CONFIG (5) otherwise; with synonyms when asked, type
 *   and (when asked, v3+) documentation. An unknown topic is UNKNOWN_TOPIC_OR_PARTITION (3), an
 *   illegal name INVALID_TOPIC_EXCEPTION (17).
 * - Broker resources (type 4) named after this node list the broker's properties, read-only.
 *   The empty name (the cluster-wide dynamic defaults) lists nothing, since fjord has no dynamic
 *   broker configs; another node id is INVALID_REQUEST (42).
 * - `configuration_keys` null or empty lists everything, else only those keys (unknown ones are
 *   skipped). Other resource types are INVALID_REQUEST.
 */
import type {
  ApiKey,
  DescribeConfigsResource,
  DescribeConfigsResult,
} from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import { ConfigResourceType, brokerConfigEntries, topicConfigEntries } from '../config-entries.js';
import type { ConfigEntry, ConfigEntryOptions } from '../config-entries.js';
import { requireTopic, toErrorResult, validateTopicName } from '../topic-admin.js';

/** The DescribeConfigs handler. */
export const describeConfigsHandler: Handler<typeof ApiKey.DESCRIBE_CONFIGS> = (
  broker,
  request,
) => {
  const results = request.resources.map((resource): DescribeConfigsResult => {
    const options: ConfigEntryOptions = {
      names: resource.configurationKeys,
      includeSynonyms: request.includeSynonyms,
      includeDocumentation: request.includeDocumentation ?? false,
    };
    const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    try {
      const configs = describe(broker, resource, options);
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
    } catch (err) {
      return { ...base, ...toErrorResult(err), configs: [] };
    }
  });
  return { throttleTimeMs: 0, results };
};

function describe(
  broker: BrokerContext,
  resource: DescribeConfigsResource,
  options: ConfigEntryOptions,
): ConfigEntry[] {
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC:
      validateTopicName(name);
      return topicConfigEntries(broker, requireTopic(broker, name), options);
    case ConfigResourceType.BROKER:
      if (name === '') return [];
      checkBrokerName(broker, name);
      return brokerConfigEntries(broker.config, options);
    default:
      throw new FjordError(
        `Unsupported resource type ${resource.resourceType}; fjord describes topics (2) and brokers (4).`,
        ErrorCode.INVALID_REQUEST,
      );
  }
}

/** Throws INVALID_REQUEST unless `name` is this node's id. */
function checkBrokerName(broker: BrokerContext, name: string): void {
  if (name !== String(broker.config.nodeId)) {
    throw new FjordError(
      `Unexpected broker id, expected ${broker.config.nodeId} or empty string, but received ${name}`,
      ErrorCode.INVALID_REQUEST,
    );
  }
}
