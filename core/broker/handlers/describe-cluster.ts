/**
 * DescribeCluster (API key 60), v0–1: the live brokers, the controller and the cluster id (a
 * single broker is all of them). v1's `endpoint_type` asks for brokers (1) or controllers (2);
 * every fjord broker can serve as controller, so both list the live brokers. Any other endpoint type is INVALID_REQUEST (42) (Kafka answers
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
    controllerId:
      broker.cluster.controllerId() < 0 ? broker.config.nodeId : broker.cluster.controllerId(),
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
  const self = { brokerId: broker.config.nodeId, host, port, rack: broker.config.rack };
  const others = broker.cluster
    .liveBrokers()
    .filter((b) => b.nodeId !== self.brokerId)
    .map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
  return {
    ...base,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    brokers: [self, ...others].sort((a, b) => a.brokerId - b.brokerId),
  };
};
