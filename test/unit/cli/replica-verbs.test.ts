import { describe, expect, it } from 'vitest';

import { parseReassignmentJson, parseReplicaAssignment } from '../../../core/cli/replica-verbs.js';

describe('the replica verbs’ arguments', () => {
  it("reads kafka-topics.sh's --replica-assignment: partitions by commas, replicas by colons", () => {
    expect(parseReplicaAssignment('1:2,2:3,3')).toEqual([[1, 2], [2, 3], [3]]);
    expect(() => parseReplicaAssignment('1:x')).toThrow(/"x" is not a broker id/);
    expect(() => parseReplicaAssignment('1,,2')).toThrow(/not a broker id/);
  });

  it("reads kafka-reassign-partitions.sh's JSON file", () => {
    const text = JSON.stringify({
      version: 1,
      partitions: [
        { topic: 'orders', partition: 0, replicas: [2, 3], log_dirs: ['any', 'any'] },
        { topic: 'orders', partition: 1, replicas: [3, 1] },
      ],
    });
    expect(parseReassignmentJson(text)).toEqual([
      { topic: 'orders', partition: 0, replicas: [2, 3] },
      { topic: 'orders', partition: 1, replicas: [3, 1] },
    ]);
    expect(() => parseReassignmentJson('{"partitions":[{"topic":"t","partition":0}]}')).toThrow(
      /partitions\[0\] needs/,
    );
    expect(() => parseReassignmentJson('{}')).toThrow(/no "partitions" list/);
  });
});
