/**
 * The registry of the APIs fjord speaks. For each API key it holds the name, the version range,
 * the first flexible version and the request and response schemas. This registry IS the matrix
 * fjord advertises (kafka-protocol.md §2.1): the ApiVersions response is built from it with
 * {@link advertisedApiVersions}, and requests outside it are refused as UNSUPPORTED_VERSION.
 * Changing what the broker advertises means changing a message's `validVersions`.
 */
import { assert } from '../../util/assert.js';
import type { MessageSchema } from '../schema.js';
import type { ApiVersion } from './api-versions.js';
import { produceRequestSchema, produceResponseSchema } from './produce.js';
import { fetchRequestSchema, fetchResponseSchema } from './fetch.js';
import { listOffsetsRequestSchema, listOffsetsResponseSchema } from './list-offsets.js';
import { metadataRequestSchema, metadataResponseSchema } from './metadata.js';
import { offsetCommitRequestSchema, offsetCommitResponseSchema } from './offset-commit.js';
import { offsetFetchRequestSchema, offsetFetchResponseSchema } from './offset-fetch.js';
import { findCoordinatorRequestSchema, findCoordinatorResponseSchema } from './find-coordinator.js';
import { joinGroupRequestSchema, joinGroupResponseSchema } from './join-group.js';
import { heartbeatRequestSchema, heartbeatResponseSchema } from './heartbeat.js';
import { leaveGroupRequestSchema, leaveGroupResponseSchema } from './leave-group.js';
import { syncGroupRequestSchema, syncGroupResponseSchema } from './sync-group.js';
import { describeGroupsRequestSchema, describeGroupsResponseSchema } from './describe-groups.js';
import { listGroupsRequestSchema, listGroupsResponseSchema } from './list-groups.js';
import { apiVersionsRequestSchema, apiVersionsResponseSchema } from './api-versions.js';
import { createTopicsRequestSchema, createTopicsResponseSchema } from './create-topics.js';
import { deleteTopicsRequestSchema, deleteTopicsResponseSchema } from './delete-topics.js';
import { deleteRecordsRequestSchema, deleteRecordsResponseSchema } from './delete-records.js';
import { initProducerIdRequestSchema, initProducerIdResponseSchema } from './init-producer-id.js';
import {
  offsetForLeaderEpochRequestSchema,
  offsetForLeaderEpochResponseSchema,
} from './offset-for-leader-epoch.js';
import { describeConfigsRequestSchema, describeConfigsResponseSchema } from './describe-configs.js';
import { alterConfigsRequestSchema, alterConfigsResponseSchema } from './alter-configs.js';
import {
  createPartitionsRequestSchema,
  createPartitionsResponseSchema,
} from './create-partitions.js';
import { deleteGroupsRequestSchema, deleteGroupsResponseSchema } from './delete-groups.js';
import { offsetDeleteRequestSchema, offsetDeleteResponseSchema } from './offset-delete.js';
import {
  incrementalAlterConfigsRequestSchema,
  incrementalAlterConfigsResponseSchema,
} from './incremental-alter-configs.js';
import { describeClusterRequestSchema, describeClusterResponseSchema } from './describe-cluster.js';
import { electLeadersRequestSchema, electLeadersResponseSchema } from './elect-leaders.js';
import {
  alterPartitionReassignmentsRequestSchema,
  alterPartitionReassignmentsResponseSchema,
} from './alter-partition-reassignments.js';
import {
  listPartitionReassignmentsRequestSchema,
  listPartitionReassignmentsResponseSchema,
} from './list-partition-reassignments.js';

/** The API keys fjord implements, named as Kafka names them. */
export const ApiKey = {
  PRODUCE: 0,
  FETCH: 1,
  LIST_OFFSETS: 2,
  METADATA: 3,
  OFFSET_COMMIT: 8,
  OFFSET_FETCH: 9,
  FIND_COORDINATOR: 10,
  JOIN_GROUP: 11,
  HEARTBEAT: 12,
  LEAVE_GROUP: 13,
  SYNC_GROUP: 14,
  DESCRIBE_GROUPS: 15,
  LIST_GROUPS: 16,
  API_VERSIONS: 18,
  CREATE_TOPICS: 19,
  DELETE_TOPICS: 20,
  DELETE_RECORDS: 21,
  INIT_PRODUCER_ID: 22,
  OFFSET_FOR_LEADER_EPOCH: 23,
  DESCRIBE_CONFIGS: 32,
  ALTER_CONFIGS: 33,
  CREATE_PARTITIONS: 37,
  DELETE_GROUPS: 42,
  ELECT_LEADERS: 43,
  INCREMENTAL_ALTER_CONFIGS: 44,
  ALTER_PARTITION_REASSIGNMENTS: 45,
  LIST_PARTITION_REASSIGNMENTS: 46,
  OFFSET_DELETE: 47,
  DESCRIBE_CLUSTER: 60,
} as const;
/** One of the API keys fjord implements. */
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

/** One API of the registry. */
export interface ApiEntry<Req = unknown, Res = unknown> {
  readonly apiKey: number;
  /** Kafka's name for the API, e.g. `Produce`. */
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The first flexible version in the range, or null when none of them is flexible. */
  readonly flexibleFrom: number | null;
  readonly request: MessageSchema<Req>;
  readonly response: MessageSchema<Res>;
}

function entry<Req, Res>(
  name: string,
  request: MessageSchema<Req>,
  response: MessageSchema<Res>,
): ApiEntry<Req, Res> {
  const { min, max } = request.versions;
  assert(
    request.apiKey === response.apiKey &&
      min === response.versions.min &&
      max === response.versions.max &&
      request.flexibleVersions.min === response.flexibleVersions.min,
    `${name}: request and response schemas disagree`,
  );
  const flexibleFrom = Math.max(min, request.flexibleVersions.min);
  return {
    apiKey: request.apiKey,
    name,
    minVersion: min,
    maxVersion: max,
    flexibleFrom: flexibleFrom <= Math.min(max, request.flexibleVersions.max) ? flexibleFrom : null,
    request,
    response,
  };
}

/** Every API fjord implements, by key. */
export const apis = {
  [ApiKey.PRODUCE]: entry('Produce', produceRequestSchema, produceResponseSchema),
  [ApiKey.FETCH]: entry('Fetch', fetchRequestSchema, fetchResponseSchema),
  [ApiKey.LIST_OFFSETS]: entry('ListOffsets', listOffsetsRequestSchema, listOffsetsResponseSchema),
  [ApiKey.METADATA]: entry('Metadata', metadataRequestSchema, metadataResponseSchema),
  [ApiKey.OFFSET_COMMIT]: entry(
    'OffsetCommit',
    offsetCommitRequestSchema,
    offsetCommitResponseSchema,
  ),
  [ApiKey.OFFSET_FETCH]: entry('OffsetFetch', offsetFetchRequestSchema, offsetFetchResponseSchema),
  [ApiKey.FIND_COORDINATOR]: entry(
    'FindCoordinator',
    findCoordinatorRequestSchema,
    findCoordinatorResponseSchema,
  ),
  [ApiKey.JOIN_GROUP]: entry('JoinGroup', joinGroupRequestSchema, joinGroupResponseSchema),
  [ApiKey.HEARTBEAT]: entry('Heartbeat', heartbeatRequestSchema, heartbeatResponseSchema),
  [ApiKey.LEAVE_GROUP]: entry('LeaveGroup', leaveGroupRequestSchema, leaveGroupResponseSchema),
  [ApiKey.SYNC_GROUP]: entry('SyncGroup', syncGroupRequestSchema, syncGroupResponseSchema),
  [ApiKey.DESCRIBE_GROUPS]: entry(
    'DescribeGroups',
    describeGroupsRequestSchema,
    describeGroupsResponseSchema,
  ),
  [ApiKey.LIST_GROUPS]: entry('ListGroups', listGroupsRequestSchema, listGroupsResponseSchema),
  [ApiKey.API_VERSIONS]: entry('ApiVersions', apiVersionsRequestSchema, apiVersionsResponseSchema),
  [ApiKey.CREATE_TOPICS]: entry(
    'CreateTopics',
    createTopicsRequestSchema,
    createTopicsResponseSchema,
  ),
  [ApiKey.DELETE_TOPICS]: entry(
    'DeleteTopics',
    deleteTopicsRequestSchema,
    deleteTopicsResponseSchema,
  ),
  [ApiKey.DELETE_RECORDS]: entry(
    'DeleteRecords',
    deleteRecordsRequestSchema,
    deleteRecordsResponseSchema,
  ),
  [ApiKey.INIT_PRODUCER_ID]: entry(
    'InitProducerId',
    initProducerIdRequestSchema,
    initProducerIdResponseSchema,
  ),
  [ApiKey.OFFSET_FOR_LEADER_EPOCH]: entry(
    'OffsetForLeaderEpoch',
    offsetForLeaderEpochRequestSchema,
    offsetForLeaderEpochResponseSchema,
  ),
  [ApiKey.DESCRIBE_CONFIGS]: entry(
    'DescribeConfigs',
    describeConfigsRequestSchema,
    describeConfigsResponseSchema,
  ),
  [ApiKey.ALTER_CONFIGS]: entry(
    'AlterConfigs',
    alterConfigsRequestSchema,
    alterConfigsResponseSchema,
  ),
  [ApiKey.CREATE_PARTITIONS]: entry(
    'CreatePartitions',
    createPartitionsRequestSchema,
    createPartitionsResponseSchema,
  ),
  [ApiKey.DELETE_GROUPS]: entry(
    'DeleteGroups',
    deleteGroupsRequestSchema,
    deleteGroupsResponseSchema,
  ),
  [ApiKey.ELECT_LEADERS]: entry(
    'ElectLeaders',
    electLeadersRequestSchema,
    electLeadersResponseSchema,
  ),
  [ApiKey.ALTER_PARTITION_REASSIGNMENTS]: entry(
    'AlterPartitionReassignments',
    alterPartitionReassignmentsRequestSchema,
    alterPartitionReassignmentsResponseSchema,
  ),
  [ApiKey.LIST_PARTITION_REASSIGNMENTS]: entry(
    'ListPartitionReassignments',
    listPartitionReassignmentsRequestSchema,
    listPartitionReassignmentsResponseSchema,
  ),
  [ApiKey.INCREMENTAL_ALTER_CONFIGS]: entry(
    'IncrementalAlterConfigs',
    incrementalAlterConfigsRequestSchema,
    incrementalAlterConfigsResponseSchema,
  ),
  [ApiKey.OFFSET_DELETE]: entry(
    'OffsetDelete',
    offsetDeleteRequestSchema,
    offsetDeleteResponseSchema,
  ),
  [ApiKey.DESCRIBE_CLUSTER]: entry(
    'DescribeCluster',
    describeClusterRequestSchema,
    describeClusterResponseSchema,
  ),
} as const satisfies Readonly<Record<ApiKey, ApiEntry>>;

/** The decoded request type of API `K`, e.g. `RequestOf<typeof ApiKey.PRODUCE>`. */
export type RequestOf<K extends ApiKey> =
  (typeof apis)[K] extends ApiEntry<infer Req> ? Req : never;
/** The response type of API `K`. */
export type ResponseOf<K extends ApiKey> =
  (typeof apis)[K] extends ApiEntry<unknown, infer Res> ? Res : never;

const byKey: ReadonlyMap<number, ApiEntry> = new Map(
  Object.values(apis).map((e: ApiEntry) => [e.apiKey, e]),
);

/** The registry entry of `apiKey`, or undefined for an API fjord does not implement. */
export function apiEntry(apiKey: number): ApiEntry | undefined {
  return byKey.get(apiKey);
}

/** Whether fjord implements `apiKey` at `apiVersion`. */
export function isSupported(apiKey: number, apiVersion: number): boolean {
  const e = byKey.get(apiKey);
  return e !== undefined && apiVersion >= e.minVersion && apiVersion <= e.maxVersion;
}

const advertised: readonly ApiVersion[] = [...byKey.values()]
  .sort((a, b) => a.apiKey - b.apiKey)
  .map((e) => ({ apiKey: e.apiKey, minVersion: e.minVersion, maxVersion: e.maxVersion }));

/**
 * The `apiKeys` of an ApiVersions response: every API with its range, by ascending key.
 *
 * @example
 * ```ts
 * const body: ApiVersionsResponse = {
 *   errorCode: 0,
 *   apiKeys: advertisedApiVersions(),
 *   throttleTimeMs: 0,
 * };
 * ```
 */
export function advertisedApiVersions(): readonly ApiVersion[] {
  return advertised;
}

export * from './produce.js';
export * from './fetch.js';
export * from './list-offsets.js';
export * from './metadata.js';
export * from './offset-commit.js';
export * from './offset-fetch.js';
export * from './find-coordinator.js';
export * from './join-group.js';
export * from './heartbeat.js';
export * from './leave-group.js';
export * from './sync-group.js';
export * from './describe-groups.js';
export * from './list-groups.js';
export * from './api-versions.js';
export * from './create-topics.js';
export * from './delete-topics.js';
export * from './delete-records.js';
export * from './init-producer-id.js';
export * from './offset-for-leader-epoch.js';
export * from './describe-configs.js';
export * from './alter-configs.js';
export * from './create-partitions.js';
export * from './delete-groups.js';
export * from './offset-delete.js';
export * from './incremental-alter-configs.js';
export * from './describe-cluster.js';
export * from './elect-leaders.js';
export * from './alter-partition-reassignments.js';
export * from './list-partition-reassignments.js';
