import { describe, expect, it } from 'vitest';
import {
  decodeRequest,
  decodeResponse,
  encodeApiVersionsUnsupported,
  encodeRequest,
  encodeRequestChunks,
  encodeResponse,
  encodeResponseChunks,
  responseCorrelationId,
} from '../../../core/protocol/frame.js';
import {
  ApiKey,
  advertisedApiVersions,
  apiEntry,
  apis,
  type FetchResponse,
} from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { ProtocolError } from '../../../core/util/errors.js';

/** kafka-protocol.md §2.1 plus the brief's optional APIs: key → [min, max, flexibleFrom]. */
const MATRIX: Record<number, readonly [number, number, number | null]> = {
  18: [0, 3, 3],
  3: [0, 9, 9],
  0: [0, 7, null],
  1: [4, 12, 12],
  2: [1, 5, null],
  10: [0, 4, 3],
  11: [0, 6, 6],
  14: [0, 4, 4],
  12: [0, 4, 4],
  13: [0, 4, 4],
  8: [2, 8, 8],
  9: [1, 8, 6],
  22: [0, 4, 2],
  // OffsetForLeaderEpoch: replication's truncation point (KIP-101/279).
  23: [0, 4, 4],
  19: [2, 7, 5],
  20: [1, 6, 4],
  15: [0, 5, 5],
  16: [0, 4, 3],
  32: [1, 4, 4],
  33: [0, 2, 2],
  44: [0, 1, 1],
  37: [0, 3, 2],
  21: [0, 2, 2],
  60: [0, 1, 0],
  42: [0, 2, 2],
  47: [0, 0, null],
  // Replica administration at the controller (KIP-455, KIP-460).
  43: [0, 2, 2],
  45: [0, 0, 0],
  46: [0, 0, 0],
};

function fetchResponse(
  records: FetchResponse['responses'][number]['partitions'][number]['records'],
) {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'fx',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 10,
            lastStableOffset: 10,
            logStartOffset: 0,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records,
          },
        ],
      },
    ],
  } satisfies FetchResponse;
}

describe('the registry is the advertised matrix', () => {
  it('holds exactly the APIs and ranges of kafka-protocol.md §2.1', () => {
    const actual = Object.fromEntries(
      Object.values(apis).map((e) => [e.apiKey, [e.minVersion, e.maxVersion, e.flexibleFrom]]),
    );
    expect(actual).toEqual(MATRIX);
  });

  it('lists ApiVersions entries by ascending key', () => {
    const list = advertisedApiVersions();
    expect(list.map((a) => a.apiKey)).toEqual(
      Object.keys(MATRIX)
        .map(Number)
        .sort((a, b) => a - b),
    );
    expect(list.find((a) => a.apiKey === ApiKey.PRODUCE)).toEqual({
      apiKey: 0,
      minVersion: 0,
      maxVersion: 7,
    });
    expect(apiEntry(17)).toBeUndefined();
  });
});

describe('response headers', () => {
  it('keeps the ApiVersions response header at v0 even for flexible v3', () => {
    const frame = encodeResponse(ApiKey.API_VERSIONS, 3, 7, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
      throttleTimeMs: 0,
    });
    // size | correlation id | error code straight away, no header tag buffer
    expect(frame.readInt32BE(4)).toBe(7);
    expect(frame.readInt16BE(8)).toBe(0);
    expect(frame[10]).toBe(2); // compact array of one entry
    expect(decodeResponse(ApiKey.API_VERSIONS, 3, frame.subarray(4)).body.apiKeys).toHaveLength(1);
  });

  it('adds the tag buffer to flexible response headers of other APIs', () => {
    const frame = encodeResponse(ApiKey.HEARTBEAT, 4, 9, { throttleTimeMs: 0, errorCode: 27 });
    expect([...frame]).toEqual([0, 0, 0, 12, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 27, 0]);
    expect(responseCorrelationId(frame.subarray(4))).toBe(9);
  });

  it('answers an unsupported ApiVersions version with error 35 in a v0 body', () => {
    const frame = encodeApiVersionsUnsupported(0x01020304);
    expect([...frame]).toEqual([0, 0, 0, 16, 1, 2, 3, 4, 0, 35, 0, 0, 0, 1, 0, 18, 0, 0, 0, 3]);
    const { body } = decodeResponse(ApiKey.API_VERSIONS, 0, frame.subarray(4));
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });
});

describe('request headers', () => {
  it('writes client_id as a classic string even in header v2, and null as -1', () => {
    const frame = encodeRequest(
      { apiKey: ApiKey.HEARTBEAT, apiVersion: 4, correlationId: 1, clientId: null },
      { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null },
    );
    expect([...frame.subarray(4, 15)]).toEqual([0, 12, 0, 4, 0, 0, 0, 1, 0xff, 0xff, 0]);
    expect(decodeRequest(frame.subarray(4)).header.clientId).toBeNull();
  });
});

describe('field rules', () => {
  it('decodes an unsent tagged field as its declared default', () => {
    const frame = encodeRequest(
      { apiKey: ApiKey.FETCH, apiVersion: 12, correlationId: 1, clientId: 'c' },
      { replicaId: -1, maxWaitMs: 1, minBytes: 1, maxBytes: 1, isolationLevel: 0, topics: [] },
    );
    const req = decodeRequest(frame.subarray(4));
    if (req.apiKey !== ApiKey.FETCH) throw new Error('not a fetch request');
    expect(req.body.clusterId).toBeNull();
    expect(req.body.sessionEpoch).toBe(-1);
    expect(req.body.rackId).toBe('');
  });

  it('writes tagged fields only when they differ from their default', () => {
    const plain = fetchResponse(Buffer.alloc(0));
    const partition = plain.responses[0]!.partitions[0]!;
    const tagged = {
      ...plain,
      responses: [
        {
          topic: 'fx',
          partitions: [{ ...partition, currentLeader: { leaderId: 1, leaderEpoch: 5 } }],
        },
      ],
    };
    const withDefault = {
      ...plain,
      responses: [
        {
          topic: 'fx',
          partitions: [{ ...partition, currentLeader: { leaderId: -1, leaderEpoch: -1 } }],
        },
      ],
    };
    const a = encodeResponse(ApiKey.FETCH, 12, 1, plain);
    expect(encodeResponse(ApiKey.FETCH, 12, 1, withDefault).equals(a)).toBe(true);
    const b = encodeResponse(ApiKey.FETCH, 12, 1, tagged);
    // tag, size, leaderId, leaderEpoch, the struct's own tag buffer
    expect(b.length).toBe(a.length + 1 + 1 + 4 + 4 + 1);
    const decoded = decodeResponse(ApiKey.FETCH, 12, b.subarray(4)).body;
    expect(decoded.responses[0]?.partitions[0]?.currentLeader).toEqual({
      leaderId: 1,
      leaderEpoch: 5,
    });
    const plainDecoded = decodeResponse(ApiKey.FETCH, 12, a.subarray(4)).body;
    expect(plainDecoded.responses[0]?.partitions[0]?.divergingEpoch).toEqual({
      epoch: -1,
      endOffset: -1,
    });
  });

  it('drops ignorable fields a version lacks and refuses other non-default ones', () => {
    const produce = {
      responses: [
        {
          name: 't',
          partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5, logStartOffset: 3 }],
        },
      ],
      throttleTimeMs: 0,
    };
    const v3 = decodeResponse(
      ApiKey.PRODUCE,
      3,
      encodeResponse(ApiKey.PRODUCE, 3, 1, produce).subarray(4),
    );
    expect(v3.body.responses[0]?.partitionResponses[0]?.logStartOffset).toBe(-1);
    const join = {
      groupId: 'g',
      sessionTimeoutMs: 1,
      rebalanceTimeoutMs: 1,
      memberId: '',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
      protocols: [],
    };
    const header = { apiKey: ApiKey.JOIN_GROUP, apiVersion: 4, correlationId: 1, clientId: 'c' };
    expect(() => encodeRequest(header, join)).toThrow(/has no field groupInstanceId/);
    expect(() => encodeRequest({ ...header, apiVersion: 5 }, join)).not.toThrow();
  });

  it('refuses values the wire cannot carry', () => {
    const header = { apiKey: ApiKey.HEARTBEAT, apiVersion: 3, correlationId: 1, clientId: 'c' };
    const body = { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null };
    const cases: unknown[] = [
      { ...body, groupId: null },
      { ...body, generationId: 2 ** 31 },
      { ...body, generationId: 1.5 },
      { ...body, memberId: 'x'.repeat(0x8000) },
    ];
    for (const bad of cases) {
      expect(() => encodeRequest(header, bad as typeof body)).toThrow(ProtocolError);
    }
    expect(() => encodeRequest({ ...header, apiVersion: 9 }, body)).toThrow(/not supported/);
  });
});

describe('records', () => {
  it('decodes records as a view of the frame and writes a list of Buffers back to back', () => {
    const a = Buffer.from('first-batch');
    const b = Buffer.from('second');
    const frame = encodeResponse(ApiKey.FETCH, 11, 1, fetchResponse([a, b]));
    const records = decodeResponse(ApiKey.FETCH, 11, frame.subarray(4)).body.responses[0]
      ?.partitions[0]?.records;
    expect(records).toEqual(Buffer.concat([a, b]));
    expect(Buffer.isBuffer(records) && records.buffer === frame.buffer).toBe(true);
  });

  it('hands large record runs to the caller as the same Buffers, without copying', () => {
    const big = Buffer.alloc(10_000, 7);
    const small = Buffer.from('tail');
    for (const version of [11, 12]) {
      const body = fetchResponse([big, small, big]);
      const chunks = encodeResponseChunks(ApiKey.FETCH, version, 3, body, 4096);
      expect(chunks.filter((c) => c === big)).toHaveLength(2);
      expect(Buffer.concat(chunks).equals(encodeResponse(ApiKey.FETCH, version, 3, body))).toBe(
        true,
      );
    }
  });

  it("hands a Produce request's record batches to the caller as the same Buffers", () => {
    const big = Buffer.alloc(16_000, 3);
    const small = Buffer.from('small-batch');
    const header = { apiKey: ApiKey.PRODUCE, apiVersion: 7, correlationId: 9, clientId: 'fjord' };
    const body = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [
        { name: 'a', partitionData: [{ index: 0, records: big }] },
        { name: 'b', partitionData: [{ index: 1, records: small }] },
      ],
    };
    const chunks = encodeRequestChunks(header, body, 4096);
    expect(chunks.filter((c) => c === big)).toHaveLength(1);
    expect(chunks).not.toContain(small);
    const frame = Buffer.concat(chunks);
    expect(frame.equals(encodeRequest(header, body))).toBe(true);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  });
});
