/**
 * AlterConfigs (API key 33), v0–2: REPLACES a topic's whole override set with the configs given;
 * a config left out goes back to its default, as in Kafka. The new set is validated first
 * (unknown names and malformed values are INVALID_CONFIG (40), a null value too, a name given
 * twice INVALID_REQUEST (42)); `validate_only` stops there. Applied changes reach every open
 * partition of the topic at once. Broker resources are INVALID_REQUEST: fjord has no dynamic
 * broker configs (see config-alter.ts).
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import type { Handler } from '../broker-context.js';
import { alterConfigResources } from '../config-alter.js';
import { configMap, setTopicConfigs, validateTopicConfigs } from '../topic-admin.js';

/** The AlterConfigs handler. */
export const alterConfigsHandler: Handler<typeof ApiKey.ALTER_CONFIGS> = async (
  broker,
  request,
) => {
  const responses = await alterConfigResources(broker, request.resources, (topic, resource) => {
    const configs = configMap(resource.configs);
    validateTopicConfigs(broker, configs);
    return request.validateOnly ? undefined : setTopicConfigs(broker, topic.name, configs);
  });
  return { throttleTimeMs: 0, responses };
};
