import { describe, expect, it } from 'vitest';

import {
  parseDateTime,
  parseIsoDuration,
  planReset,
  type PartitionFacts,
} from '../../../core/client/offset-reset.js';
import { FjordError } from '../../../core/util/errors.js';

const facts: PartitionFacts = {
  topic: 't',
  partition: 3,
  logStartOffset: 10,
  logEndOffset: 100,
  committed: 50,
};

describe('planReset (kafka-consumer-groups.sh semantics)', () => {
  it('goes to the log start or end', () => {
    expect(planReset({ kind: 'earliest' }, facts)).toMatchObject({
      offset: 10,
      warning: undefined,
    });
    expect(planReset({ kind: 'latest' }, facts)).toMatchObject({ offset: 100, warning: undefined });
  });

  it('clamps --to-offset and --shift-by into the log, with a warning', () => {
    expect(planReset({ kind: 'offset', offset: 42 }, facts).offset).toBe(42);
    const high = planReset({ kind: 'offset', offset: 500 }, facts);
    expect(high.offset).toBe(100);
    expect(high.warning).toMatch(/higher than the latest offset of t-3/);
    expect(planReset({ kind: 'shift', by: -5 }, facts).offset).toBe(45);
    const low = planReset({ kind: 'shift', by: -45 }, facts);
    expect(low.offset).toBe(10);
    expect(low.warning).toMatch(/lower than the earliest offset/);
  });

  it('refuses to shift a partition without a committed offset', () => {
    expect(() => planReset({ kind: 'shift', by: 1 }, { ...facts, committed: undefined })).toThrow(
      /no committed offset/,
    );
  });

  it('takes the offset found for a time, or the log end when no record is that late', () => {
    const spec = { kind: 'datetime', timestampMs: 1 } as const;
    expect(planReset(spec, { ...facts, offsetForTime: 77 }).offset).toBe(77);
    expect(planReset(spec, { ...facts, offsetForTime: -1 }).offset).toBe(100);
  });
});

describe('parseIsoDuration', () => {
  it.each([
    ['PT10M', 600_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1DT2H', 93_600_000],
    ['PT0.5S', 500],
    ['pt15s', 15_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '10M', 'PT-5M', '-PT5M', 'P1W', 'PT5X', 'P1DT'])('refuses %j', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(FjordError);
  });
});

describe('parseDateTime', () => {
  it('reads UTC, offsets and fractions', () => {
    const noon = Date.UTC(2024, 4, 1, 12, 0, 0);
    expect(parseDateTime('2024-05-01T12:00:00Z')).toBe(noon);
    expect(parseDateTime('2024-05-01T12:00:00.250Z')).toBe(noon + 250);
    expect(parseDateTime('2024-05-01T14:00:00+02:00')).toBe(noon);
    expect(parseDateTime('2024-05-01T14:00:00+0200')).toBe(noon);
    expect(parseDateTime('2024-05-01T07:00:00-05')).toBe(noon);
  });

  it('reads a time without a zone as local time, as Kafka does', () => {
    expect(parseDateTime('2024-05-01T12:00:00')).toBe(new Date(2024, 4, 1, 12, 0, 0).getTime());
  });

  it.each(['2024-05-01', '2024-05-01 12:00:00', 'yesterday', '2024-13-01T00:00:00Z'])(
    'refuses %j',
    (text) => {
      expect(() => parseDateTime(text)).toThrow(FjordError);
    },
  );
});
