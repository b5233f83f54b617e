/**
 * What `fjord groups list|describe|reset-offsets|delete` do, modelled on Kafka's
 * `kafka-consumer-groups.sh`: the same verbs, the same reset options, the same tables and the
 * same refusal to reset the offsets of a group that has active members. Each verb takes a
 * connected {@link Admin} and returns the text to print (groups-command.ts does the printing),
 * throwing for what ends the command with `fjord: <message>` and a non-zero exit.
 */
import type { Admin } from '../client/admin.js';
import type { GroupDescription, GroupMember, PartitionLag } from '../client/group-admin.js';
import { parseDateTime, parseIsoDuration, type ResetSpec } from '../client/offset-reset.js';
import { ErrorCode, errorName } from '../util/error-codes.js';
import { formatTable } from './table.js';

/** States in which a group has no active members, so its offsets may be reset. */
const INACTIVE_STATES: ReadonlySet<string> = new Set(['Empty', 'Dead']);

const DELETE_ERRORS: Readonly<Partial<Record<number, string>>> = {
  [ErrorCode.NON_EMPTY_GROUP]: 'the group still has active members',
  [ErrorCode.GROUP_ID_NOT_FOUND]: 'the group does not exist',
};

function parseInteger(value: string, option: string): number {
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new Error(`${option} ${value}: expected an integer`);
  }
  return Number(value);
}

/** `topic` or `topic:0,2,5` as kafka-consumer-groups.sh's --topic takes it. */
function parseTopicArg(value: string): { topic: string; partitions?: number[] } {
  const at = value.lastIndexOf(':');
  if (at < 0) return { topic: value };
  const partitions = value
    .slice(at + 1)
    .split(',')
    .map((p) => parseInteger(p, `--topic ${value.slice(0, at)}: partition`));
  return { topic: value.slice(0, at), partitions };
}

/** The options of `fjord groups reset-offsets`, as commander parses them. */
export interface ResetOptions {
  bootstrapServer?: string;
  topic: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toDatetime?: string;
  byDuration?: string;
  shiftBy?: string;
  toOffset?: string;
  dryRun?: boolean;
  execute?: boolean;
}

/** The one reset spec the options name; `nowMs` resolves --by-duration. */
export function resetSpecOf(o: ResetOptions, nowMs: number): ResetSpec {
  const specs: ResetSpec[] = [];
  if (o.toEarliest === true) specs.push({ kind: 'earliest' });
  if (o.toLatest === true) specs.push({ kind: 'latest' });
  if (o.toDatetime !== undefined)
    specs.push({ kind: 'datetime', timestampMs: parseDateTime(o.toDatetime) });
  if (o.byDuration !== undefined)
    specs.push({ kind: 'datetime', timestampMs: nowMs - parseIsoDuration(o.byDuration) });
  if (o.shiftBy !== undefined)
    specs.push({ kind: 'shift', by: parseInteger(o.shiftBy, '--shift-by') });
  if (o.toOffset !== undefined)
    specs.push({ kind: 'offset', offset: parseInteger(o.toOffset, '--to-offset') });
  const [spec, ...rest] = specs;
  if (spec === undefined || rest.length > 0) {
    throw new Error(
      'give exactly one of --to-earliest, --to-latest, --to-datetime, --by-duration, --shift-by, --to-offset',
    );
  }
  return spec;
}

const dash = (value: number | string | undefined): string =>
  value === undefined || value === '' ? '-' : String(value);

function offsetsTable(groupId: string, rows: readonly PartitionLag[]): string {
  return formatTable(
    [
      'GROUP',
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'CONSUMER-ID',
      'HOST',
      'CLIENT-ID',
    ],
    rows.map((r) => [
      groupId,
      r.topic,
      String(r.partition),
      dash(r.currentOffset),
      dash(r.logEndOffset),
      dash(r.lag),
      dash(r.member?.memberId),
      dash(r.member?.clientHost),
      dash(r.member?.clientId),
    ]),
  );
}

const assignmentText = (m: GroupMember): string =>
  m.assignment.length === 0
    ? '-'
    : m.assignment
        .map((a) => `${a.topic}(${[...a.partitions].sort((x, y) => x - y).join(',')})`)
        .join(',');

function membersTable(d: GroupDescription, verbose: boolean): string {
  const headers = ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'];
  return formatTable(
    verbose ? [...headers, 'ASSIGNMENT'] : headers,
    d.members.map((m) => {
      const row = [
        d.groupId,
        m.memberId,
        m.clientHost,
        m.clientId,
        String(m.assignment.reduce((n, a) => n + a.partitions.length, 0)),
      ];
      return verbose ? [...row, assignmentText(m)] : row;
    }),
  );
}

function stateTable(d: GroupDescription): string {
  const c = d.coordinator;
  return formatTable(
    ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    [
      [
        d.groupId,
        `${c.host}:${c.port} (${c.nodeId})`,
        dash(d.protocol),
        d.state,
        String(d.members.length),
      ],
    ],
  );
}

/** `describe`: the partitions table, or with `members` / `state` those tables. */
export async function describeGroup(
  admin: Admin,
  groupId: string,
  o: { members?: boolean; verbose?: boolean; state?: boolean },
): Promise<string> {
  const { description, partitions } = await admin.groups.lag(groupId);
  if (description.state === 'Dead' && partitions.length === 0) {
    throw new Error(`consumer group '${groupId}' does not exist`);
  }
  if (o.state === true) return stateTable(description);
  const notes: string[] = [];
  if (description.state === 'PreparingRebalance' || description.state === 'CompletingRebalance')
    notes.push(`Warning: Consumer group '${groupId}' is rebalancing.`);
  else if (description.members.length === 0)
    notes.push(`Consumer group '${groupId}' has no active members.`);
  const table =
    o.members === true
      ? membersTable(description, o.verbose === true)
      : offsetsTable(groupId, partitions);
  return [...notes, table].join('\n\n');
}

/** What a verb printed: the text for stdout, warnings for stderr. */
export interface VerbOutput {
  readonly text: string;
  readonly warnings: readonly string[];
}

/**
 * `reset-offsets`: plans the new offsets and commits them with `execute`. Refuses a group with
 * active members, dry run or not, as Kafka does.
 */
export async function resetOffsets(
  admin: Admin,
  groupId: string,
  o: ResetOptions,
  nowMs = Date.now(),
): Promise<VerbOutput> {
  if (o.dryRun === true && o.execute === true)
    throw new Error('give --dry-run or --execute, not both');
  const spec = resetSpecOf(o, nowMs);
  const description = await admin.groups.describe(groupId);
  if (!INACTIVE_STATES.has(description.state)) {
    throw new Error(
      `assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${description.state}`,
    );
  }
  let targets = o.topic.map(parseTopicArg);
  if (o.allTopics === true) {
    if (targets.length > 0) throw new Error('give --topic or --all-topics, not both');
    const committed = await admin.groups.committedOffsets(groupId);
    targets = [...new Set(committed.map((c) => c.topic))].map((topic) => ({ topic }));
  } else if (targets.length === 0) {
    throw new Error('give the topics to reset with --topic <topic[:partitions]> or --all-topics');
  }
  const plan = await admin.groups.planOffsetReset(groupId, targets, spec);
  const warnings = plan.flatMap((p) => (p.warning === undefined ? [] : [p.warning]));
  if (o.execute === true) await admin.groups.commitOffsets(groupId, plan);
  else if (o.dryRun !== true)
    warnings.push('nothing was changed: add --execute to reset, or --dry-run to only show');
  const text = formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
    plan.map((p) => [groupId, p.topic, String(p.partition), String(p.offset)]),
  );
  return { text, warnings };
}

/** `delete`: throws naming every group that could not be deleted (and those that were). */
export async function deleteGroups(admin: Admin, groupIds: readonly string[]): Promise<string> {
  const results = await admin.groups.delete(groupIds);
  const deleted = groupIds.filter((g) => results.get(g) === ErrorCode.NONE);
  const failed = groupIds.filter((g) => results.get(g) !== ErrorCode.NONE);
  const quoted = (list: readonly string[]): string => list.map((g) => `'${g}'`).join(', ');
  if (failed.length === 0)
    return `Deletion of requested consumer groups (${quoted(deleted)}) was successful.`;
  const failures = failed.map((g) => {
    const code = results.get(g) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    const why = DELETE_ERRORS[code];
    return `group '${g}' could not be deleted: ${errorName(code)}${why === undefined ? '' : ` (${why})`}`;
  });
  if (deleted.length > 0) failures.push(`deleted: ${quoted(deleted)}`);
  throw new Error(failures.join('; '));
}

/**
 * `list`: group ids one per line; with `state`, a GROUP STATE table, filtered to the given
 * comma-separated states unless `state` is just `true`.
 */
export async function listGroups(admin: Admin, o: { state?: string | true }): Promise<string> {
  const all = await admin.groups.list();
  if (o.state === undefined) return all.map((g) => g.groupId).join('\n');
  // ListGroups before v4 carries no state: ask DescribeGroups.
  const listed = await Promise.all(
    all.map(async (g) => ({
      groupId: g.groupId,
      state: g.state ?? (await admin.groups.describe(g.groupId)).state,
    })),
  );
  const wanted =
    o.state === true ? undefined : new Set(o.state.split(',').map((s) => s.trim().toLowerCase()));
  const rows = listed
    .filter((g) => wanted === undefined || wanted.has(g.state.toLowerCase()))
    .map((g) => [g.groupId, g.state]);
  return formatTable(['GROUP', 'STATE'], rows);
}
