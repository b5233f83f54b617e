import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from '../../../core/protocol/frame.js';
import { apis, type ApiEntry, type ApiKey } from '../../../core/protocol/messages/index.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { messageArbitrary } from '../../helpers/schema-arbitrary.js';

const RUNS_PER_VERSION = 25;
const seed = fcSeed('protocol round trip');

const entries: readonly ApiEntry[] = Object.values(apis);
const cases = entries.flatMap((entry) =>
  Array.from({ length: entry.maxVersion - entry.minVersion + 1 }, (_, i) => ({
    name: entry.name,
    apiKey: entry.apiKey as ApiKey,
    version: entry.minVersion + i,
    entry,
  })),
);

describe('every API at every advertised version survives encode → decode unchanged', () => {
  it('covers the whole registry', () => {
    expect(cases.length).toBe(entries.reduce((n, e) => n + e.maxVersion - e.minVersion + 1, 0));
  });

  it.each(cases.map((c) => [`${c.name} v${c.version}`, c] as const))(
    '%s request',
    (_label, { apiKey, version, entry }) => {
      const clientId = fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: null });
      const correlationId = fc.integer();
      fc.assert(
        fc.property(
          messageArbitrary(entry.request, version),
          clientId,
          correlationId,
          (body, id, corr) => {
            const header = { apiKey, apiVersion: version, correlationId: corr, clientId: id };
            const frame = encodeRequest(header, body as never);
            expect(frame.readInt32BE(0)).toBe(frame.length - 4);
            const decoded = decodeRequest(frame.subarray(4));
            expect(decoded.header).toEqual(header);
            expect(decoded.body).toEqual(body);
          },
        ),
        { seed, numRuns: RUNS_PER_VERSION },
      );
    },
  );

  it.each(cases.map((c) => [`${c.name} v${c.version}`, c] as const))(
    '%s response',
    (_label, { apiKey, version, entry }) => {
      fc.assert(
        fc.property(messageArbitrary(entry.response, version), fc.integer(), (body, corr) => {
          const frame = encodeResponse(apiKey, version, corr, body as never);
          expect(frame.readInt32BE(0)).toBe(frame.length - 4);
          const decoded = decodeResponse(apiKey, version, frame.subarray(4));
          expect(decoded.correlationId).toBe(corr);
          expect(decoded.body).toEqual(body);
        }),
        { seed, numRuns: RUNS_PER_VERSION },
      );
    },
  );
});
