/**
 * IncrementalAlterConfigs (API key 44), v0–1: changes single topic configs, leaving the others:
 * SET (0) sets an override, DELETE (1) removes it (back to the broker default), APPEND (2) and
 * SUBTRACT (3) add or remove items of a list config (only `cleanup.policy` among fjord's topic
 * configs; on any other config they are INVALID_CONFIG (40)). The resulting override set is
 * validated as a whole (INVALID_CONFIG for unknown names or bad values); `validate_only` stops
 * there. Applied changes reach every open partition of the topic at once. Broker resources are
 * INVALID_REQUEST (42): fjord has no dynamic broker configs (see config-alter.ts).
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import type { Handler } from '../broker-context.js';
import { alterConfigResources, applyConfigChanges } from '../config-alter.js';
import { setTopicConfigs, validateTopicConfigs } from '../topic-admin.js';

/** The IncrementalAlterConfigs handler. */
export const incrementalAlterConfigsHandler: Handler<
  typeof ApiKey.INCREMENTAL_ALTER_CONFIGS
> = async (broker, request) => {
  const responses = await alterConfigResources(broker, request.resources, (topic, resource) => {
    const configs = applyConfigChanges(broker, topic, resource.configs);
    validateTopicConfigs(broker, configs);
    return request.validateOnly ? undefined : setTopicConfigs(broker, topic.name, configs);
  });
  return { throttleTimeMs: 0, responses };
};
