/**
 * InitProducerId (API key 22): versions 0-4, flexible from v2.
 *
 * Transcribed from Apache Kafka's `InitProducerIdRequest.json` and `InitProducerIdResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** InitProducerId request, versions 0-4. */
export interface InitProducerIdRequest {
  /** The transactional id, or null if the producer is not transactional. */
  readonly transactionalId: string | null;
  /**
   * The time in ms to wait before aborting idle transactions sent by this producer. This is only
   * relevant if a TransactionalId has been defined.
   */
  readonly transactionTimeoutMs: number;
  /**
   * The producer id. This is used to disambiguate requests if a transactional id is reused
   * following its expiration. (v3+)
   */
  readonly producerId?: number;
  /**
   * The producer's current epoch. This will be checked against the producer epoch on the broker,
   * and the request will return an error if they do not match. (v3+)
   */
  readonly producerEpoch?: number;
}

/** InitProducerId response, versions 0-4. */
export interface InitProducerIdResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** The current producer id. */
  readonly producerId: number;
  /** The current epoch associated with the producer id. */
  readonly producerEpoch: number;
}

/** The InitProducerId request schema, versions 0-4. */
export const initProducerIdRequestSchema = defineMessage<InitProducerIdRequest>({
  name: 'InitProducerIdRequest',
  apiKey: 22,
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '3+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
});

/** The InitProducerId response schema, versions 0-4. */
export const initProducerIdResponseSchema = defineMessage<InitProducerIdResponse>({
  name: 'InitProducerIdResponse',
  apiKey: 22,
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
  ],
});
