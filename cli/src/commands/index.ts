import type { CommandModule } from '../command-module';
import { chaosCommands } from './chaos';
import { dashboardsCommands } from './dashboards';
import { deployCommands } from './deploy';
import { signalsCommands } from './signals';
import { sloCommands } from './slo';

/** Every command group of `gameday`. A new group (e.g. chaos) is one module and one line here. */
export const commands: CommandModule[] = [
  sloCommands,
  dashboardsCommands,
  deployCommands,
  chaosCommands,
  signalsCommands,
];
