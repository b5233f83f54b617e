import { readFileSync } from 'node:fs';

/**
 * The request frames captured from kcat, kafkajs and @platformatic/kafka, described by
 * `../shared/fixtures/kafka-requests/index.json` (see the README there). The shared folder sits
 * beside the repository, here and in CI alike.
 */
export const FIXTURES_DIR = new URL('../../../shared/fixtures/kafka-requests/', import.meta.url);

/** One entry of index.json's `frames`. */
export interface RequestFixture {
  readonly file: string;
  readonly client: string;
  readonly apiKey: number;
  readonly apiName: string;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly flexible: boolean;
  readonly requestHeaderVersion: number;
  readonly flow: string;
  /** The whole frame, size prefix included. */
  readonly bytes: number;
  /** The decoded request, keyed by Kafka's field names; int64 as strings, bytes as base64. */
  readonly body: Record<string, unknown>;
  readonly acks?: number;
  readonly batches?: readonly unknown[];
}

interface FixtureIndex {
  readonly frames: readonly RequestFixture[];
}

/** Every fixture entry, in index order. */
export function loadRequestFixtures(): readonly RequestFixture[] {
  const text = readFileSync(new URL('index.json', FIXTURES_DIR), 'utf8');
  return (JSON.parse(text) as FixtureIndex).frames;
}

/** The bytes of a fixture frame, size prefix included. */
export function readFixtureFrame(fixture: RequestFixture): Buffer {
  return readFileSync(new URL(fixture.file, FIXTURES_DIR));
}
