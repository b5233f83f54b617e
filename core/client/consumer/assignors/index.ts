/** The built-in assignors, by group protocol name. */
import type { Assignor } from './assignor.js';
import { cooperativeStickyAssignor } from './cooperative-sticky.js';
import { rangeAssignor } from './range.js';
import { roundRobinAssignor } from './roundrobin.js';

export type { Assignor, MemberSubscription, RebalanceProtocol } from './assignor.js';
export { rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor };

/** Names of the built-in assignors, spelled as the Java client and librdkafka spell them. */
export type AssignorName = 'range' | 'roundrobin' | 'cooperative-sticky';

/** The built-in assignors by name. */
export const BUILTIN_ASSIGNORS: Readonly<Record<AssignorName, Assignor>> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
};
