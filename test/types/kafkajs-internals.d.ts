// Types for the untyped CommonJS internals of kafkajs 2.2.4 (and its snappy plug-in) that the
// record-format compatibility tests drive directly: only what those tests touch, no `any`.

declare module 'kafkajs/src/protocol/encoder.js' {
  class Encoder {
    readonly buffer: Buffer;
    size(): number;
    writeVarInt(value: number): this;
    writeVarLong(value: number): this;
  }
  export = Encoder;
}

declare module 'kafkajs/src/protocol/decoder.js' {
  class Decoder {
    constructor(buffer: Buffer);
    offset: number;
  }
  export = Decoder;
}

declare module 'kafkajs/src/protocol/recordBatch/record/v0/index.js' {
  import type Encoder from 'kafkajs/src/protocol/encoder.js';
  interface KafkaJSRecordInput {
    offsetDelta: number;
    timestampDelta: number;
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, Buffer | Buffer[]>;
  }
  function Record(input: KafkaJSRecordInput): Encoder;
  export = Record;
}

declare module 'kafkajs/src/protocol/recordBatch/v0/index.js' {
  import type Encoder from 'kafkajs/src/protocol/encoder.js';
  interface KafkaJSBatchInput {
    compression: number;
    firstOffset: number;
    firstTimestamp: number;
    maxTimestamp: number;
    partitionLeaderEpoch: number;
    lastOffsetDelta: number;
    transactional: boolean;
    producerId: number;
    producerEpoch: number;
    firstSequence: number;
    records: Encoder[];
  }
  const batch: {
    RecordBatch(input: KafkaJSBatchInput): Promise<Encoder>;
    MAGIC_BYTE: number;
  };
  export = batch;
}

declare module 'kafkajs/src/protocol/recordBatch/v0/decoder.js' {
  import type Decoder from 'kafkajs/src/protocol/decoder.js';
  interface KafkaJSDecodedRecord {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, Buffer | null | (Buffer | null)[]>;
    isControlRecord: boolean;
  }
  interface KafkaJSDecodedBatch {
    firstOffset: string;
    firstTimestamp: string;
    maxTimestamp: string;
    partitionLeaderEpoch: number;
    inTransaction: boolean;
    isControlBatch: boolean;
    lastOffsetDelta: number;
    producerId: string;
    producerEpoch: number;
    firstSequence: number;
    timestampType: number;
    records: KafkaJSDecodedRecord[];
  }
  function decodeBatch(decoder: Decoder): Promise<KafkaJSDecodedBatch>;
  export = decodeBatch;
}

declare module 'kafkajs-snappy' {
  function SnappyCodec(): {
    compress(encoder: { buffer: Buffer }): Promise<Buffer>;
    decompress(buffer: Buffer): Promise<Buffer>;
  };
  export = SnappyCodec;
}
