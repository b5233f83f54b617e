/**
 * `fjord groups list|describe|reset-offsets|delete`: commander wiring for the verbs of
 * groups-verbs.ts, with kafka-consumer-groups.sh's flags.
 */
import type { Command } from 'commander';

import {
  deleteGroups,
  describeGroup,
  listGroups,
  resetOffsets,
  type ResetOptions,
} from './groups-verbs.js';
import { BOOTSTRAP_HELP, withAdmin } from './with-admin.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `fjord groups …` on `program`. */
export function registerGroupsCommand(program: Command): void {
  const groups = program
    .command('groups')
    .description('list, describe, reset the offsets of and delete consumer groups');

  groups
    .command('list')
    .description('list every group; --state shows (or, given states, filters by) their state')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option(
      '--state [states]',
      'show the state column; with a comma list, only groups in those states',
    )
    .action(async (o: { bootstrapServer?: string; state?: string | true }) => {
      const text = await withAdmin(o.bootstrapServer, (admin) => listGroups(admin, o));
      if (text !== '') console.log(text);
    });

  groups
    .command('describe <group>')
    .description('show partitions with committed offset, log end and lag, and their owners')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option('--members', 'list the members instead of the partitions')
    .option('--verbose', 'with --members, show each member’s assignment')
    .option('--state', 'show the coordinator, assignment strategy, state and member count')
    .action(
      async (
        groupId: string,
        o: { bootstrapServer?: string; members?: boolean; verbose?: boolean; state?: boolean },
      ) => {
        const text = await withAdmin(o.bootstrapServer, (admin) =>
          describeGroup(admin, groupId, o),
        );
        console.log(`\n${text}`);
      },
    );

  groups
    .command('reset-offsets <group>')
    .description('move the committed offsets of an inactive group (dry run unless --execute)')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option(
      '--topic <topic[:partitions]>',
      'a topic, optionally with partitions (repeatable)',
      collect,
      [],
    )
    .option('--all-topics', 'every topic the group has committed offsets for')
    .option('--to-earliest', 'reset to the log start offset')
    .option('--to-latest', 'reset to the log end offset')
    .option(
      '--to-datetime <datetime>',
      'reset to the first record at or after YYYY-MM-DDTHH:mm:SS[.sss][zone]',
    )
    .option(
      '--by-duration <duration>',
      'reset to the first record at or after now minus an ISO-8601 duration (PT10M)',
    )
    .option('--shift-by <n>', 'move the committed offsets by n (may be negative)')
    .option('--to-offset <n>', 'reset to offset n')
    .option('--dry-run', 'only show the new offsets')
    .option('--execute', 'commit the new offsets')
    .action(async (groupId: string, o: ResetOptions) => {
      const { text, warnings } = await withAdmin(o.bootstrapServer, (admin) =>
        resetOffsets(admin, groupId, o),
      );
      for (const warning of warnings) console.error(`fjord: warning: ${warning}`);
      console.log(`\n${text}`);
    });

  groups
    .command('delete <groups...>')
    .description('delete groups without active members, with their committed offsets')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .action(async (groupIds: string[], o: { bootstrapServer?: string }) => {
      console.log(await withAdmin(o.bootstrapServer, (admin) => deleteGroups(admin, groupIds)));
    });
}
