import { describe, expect, it } from 'vitest';

import {
  candidateProtocols,
  selectProtocol,
  supportsProtocols,
} from '../../../../core/broker/group/protocol-selection.js';

const offer = (...names: string[]) => ({
  protocols: names.map((name) => ({ name, metadata: Buffer.from(name) })),
});

describe('protocol selection', () => {
  it('takes the protocols every member supports as candidates', () => {
    expect([
      ...candidateProtocols([offer('range', 'roundrobin'), offer('roundrobin', 'sticky')]),
    ]).toEqual(['roundrobin']);
    expect(candidateProtocols([]).size).toBe(0);
  });

  it('lets each member vote for its most preferred candidate; most votes win', () => {
    // Candidates: range and roundrobin; two members prefer roundrobin.
    const members = [
      offer('range', 'roundrobin'),
      offer('roundrobin', 'range'),
      offer('roundrobin', 'range', 'sticky'),
    ];
    expect(selectProtocol(members)).toBe('roundrobin');
    // Sticky is preferred by one but not a candidate: that member's vote goes to range.
    expect(
      selectProtocol([offer('sticky', 'range'), offer('range'), offer('range', 'sticky')]),
    ).toBe('range');
  });

  it('breaks a tie in favour of the protocol voted for first in join order', () => {
    expect(selectProtocol([offer('range', 'roundrobin'), offer('roundrobin', 'range')])).toBe(
      'range',
    );
    expect(selectProtocol([offer('roundrobin', 'range'), offer('range', 'roundrobin')])).toBe(
      'roundrobin',
    );
  });

  it('lets an empty group take any non-empty protocol type and list', () => {
    expect(
      supportsProtocols({ protocolType: null, members: [] }, 'consumer', offer('x').protocols),
    ).toBe(true);
    expect(supportsProtocols({ protocolType: null, members: [] }, '', offer('x').protocols)).toBe(
      false,
    );
    expect(supportsProtocols({ protocolType: null, members: [] }, 'consumer', [])).toBe(false);
  });

  it('requires the group protocol type and a protocol every member supports', () => {
    const group = {
      protocolType: 'consumer',
      members: [offer('range', 'roundrobin'), offer('roundrobin')],
    };
    expect(supportsProtocols(group, 'consumer', offer('roundrobin').protocols)).toBe(true);
    expect(supportsProtocols(group, 'consumer', offer('range').protocols)).toBe(false);
    expect(supportsProtocols(group, 'connect', offer('roundrobin').protocols)).toBe(false);
    // kafkajs names its assignor differently from librdkafka: no common protocol.
    expect(supportsProtocols(group, 'consumer', offer('RoundRobinAssigner').protocols)).toBe(false);
  });
});
