/**
 * Where `fjord groups reset-offsets` moves a group's committed offsets, decided per partition
 * exactly as Kafka's `kafka-consumer-groups.sh --reset-offsets` decides it:
 *
 * | spec                   | new offset                                                          |
 * |------------------------|---------------------------------------------------------------------|
 * | earliest / latest      | the log start / log end offset                                      |
 * | offset N               | N, clamped into [log start, log end] with a warning                 |
 * | shift N                | committed + N, clamped likewise; an error without a committed offset |
 * | datetime T / duration D | the first offset whose record time is ≥ T (now - D), else log end  |
 *
 * Everything here is pure; the caller gathers the per-partition facts.
 */
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';

/** How to move the offsets. `datetime` carries epoch ms (a duration is resolved against now). */
export type ResetSpec =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'shift'; readonly by: number }
  | { readonly kind: 'datetime'; readonly timestampMs: number };

/** What is known about one partition when planning its reset. */
export interface PartitionFacts {
  readonly topic: string;
  readonly partition: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** The group's committed offset, if any. */
  readonly committed: number | undefined;
  /** For a datetime spec: ListOffsets' answer for the time, -1 when no record is that late. */
  readonly offsetForTime?: number;
}

/** The planned offset of one partition, with a warning when it had to be clamped. */
export interface PlannedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly warning: string | undefined;
}

function invalid(message: string): FjordError {
  return new FjordError(message, ErrorCode.INVALID_CONFIG);
}

function clamp(facts: PartitionFacts, offset: number): PlannedOffset {
  const where = `${facts.topic}-${facts.partition}`;
  const base = { topic: facts.topic, partition: facts.partition };
  if (offset > facts.logEndOffset) {
    return {
      ...base,
      offset: facts.logEndOffset,
      warning: `new offset (${offset}) is higher than the latest offset of ${where}; using ${facts.logEndOffset}`,
    };
  }
  if (offset < facts.logStartOffset) {
    return {
      ...base,
      offset: facts.logStartOffset,
      warning: `new offset (${offset}) is lower than the earliest offset of ${where}; using ${facts.logStartOffset}`,
    };
  }
  return { ...base, offset, warning: undefined };
}

/**
 * The new offset of one partition under `spec`. Throws for `shift` without a committed offset,
 * as Kafka does.
 *
 * @example
 * ```ts
 * planReset({ kind: 'shift', by: -10 }, {
 *   topic: 'orders', partition: 0, logStartOffset: 0, logEndOffset: 100, committed: 5,
 * }); // { offset: 0, warning: 'new offset (-5) is lower than the earliest offset …' }
 * ```
 */
export function planReset(spec: ResetSpec, facts: PartitionFacts): PlannedOffset {
  switch (spec.kind) {
    case 'earliest':
      return clamp(facts, facts.logStartOffset);
    case 'latest':
      return clamp(facts, facts.logEndOffset);
    case 'offset':
      return clamp(facts, spec.offset);
    case 'shift':
      if (facts.committed === undefined) {
        throw invalid(
          `cannot shift the offset of ${facts.topic}-${facts.partition}: the group has no committed offset for it`,
        );
      }
      return clamp(facts, facts.committed + spec.by);
    case 'datetime': {
      const found = facts.offsetForTime ?? -1;
      return clamp(facts, found < 0 ? facts.logEndOffset : found);
    }
  }
}

const DURATION =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/**
 * Parses an ISO-8601 duration as Java's `Duration.parse` accepts it (`PnDTnHnMn.nS`, e.g.
 * `PT10M`, `P1DT12H`, `PT0.5S`) into milliseconds. Negative durations are refused.
 *
 * @example
 * ```ts
 * parseIsoDuration('PT10M'); // 600000
 * parseIsoDuration('P2D'); // 172800000
 * ```
 */
export function parseIsoDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  // Optional groups that did not match are undefined, whatever lib.d.ts says.
  const groups = (m?.slice(1) ?? []) as (string | undefined)[];
  if (groups.every((g) => g === undefined) || /T$/i.test(text.trim())) {
    throw invalid(`bad duration "${text}": expected ISO-8601 like PT10M, PT1H30M or P1D`);
  }
  const [days, hours, minutes, seconds] = groups.map((g) => Number(g ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  return Math.round(((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000);
}

const DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses the datetime of `--to-datetime` as Kafka accepts it, `YYYY-MM-DDTHH:mm:SS[.sss][zone]`,
 * into epoch milliseconds; the zone is `Z`, `±hh`, `±hhmm` or `±hh:mm`, and a time without one is
 * local time.
 *
 * @example
 * ```ts
 * parseDateTime('2024-05-01T12:00:00Z'); // 1714564800000
 * parseDateTime('2024-05-01T14:00:00.000+02:00'); // 1714564800000
 * ```
 */
export function parseDateTime(text: string): number {
  const m = DATETIME.exec(text.trim());
  if (m?.[1] === undefined) {
    throw invalid(`bad datetime "${text}": expected YYYY-MM-DDTHH:mm:SS[.sss][Z|±hh:mm]`);
  }
  const fraction = (m[2] ?? '.000').slice(0, 4).padEnd(4, '0');
  let zone = m[3] ?? '';
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}${fraction}${zone.toUpperCase()}`);
  if (Number.isNaN(ms)) throw invalid(`bad datetime "${text}": not a valid date and time`);
  return ms;
}
