/**
 * DescribeCluster (API key 60), v0–1: this node as the only broker and the controller, and the
 * cluster id. v1's `endpoint_type` asks for brokers (1) or controllers (2); this node is both, so
 * both list it. Any other endpoint type is INVALID_REQUEST (42) (Kafka answers
 * UNSUPPORTED_ENDPOINT_TYPE, a code outside the set fjord sends; kafka-protocol.md §5).
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Handler } from '../broker-context.js';
import { advertisedEndpoint } from '../node-endpoint.js';

/** `endpoint_type` values of DescribeCluster v1. */
const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const;

/** "Authorized operations not computed": Kafka's INT32_MIN sentinel. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** The DescribeCluster handler. */
export const describeClusterHandler: Handler<typeof ApiKey.DESCRIBE_CLUSTER> = (
  broker,
  request,
) => {
  const endpointType = request.endpointType ?? EndpointType.BROKER;
  const base = {
    throttleTimeMs: 0,
    endpointType,
    clusterId: broker.clusterId,
    controllerId: broker.config.nodeId,
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
  if (endpointType !== EndpointType.BROKER && endpointType !== EndpointType.CONTROLLER) {
    return {
      ...base,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `Unsupported endpoint type ${endpointType}.`,
      brokers: [],
    };
  }
  const { host, port } = advertisedEndpoint(broker.config);
  return {
    ...base,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    brokers: [{ brokerId: broker.config.nodeId, host, port, rack: null }],
  };
};
