import type { Command } from 'commander';
import type { Io } from './io';

/**
 * A top-level command group (`gameday slo ...`, later `gameday chaos ...`). Each lives in its own
 * module under commands/ and is listed once in commands/index.ts; program.ts only wires them.
 */
export interface CommandModule {
  /** Adds the group's commands to the program. An action resolves to its exit code. */
  register(program: Command, io: Io, setExitCode: (code: number) => void): void;
}
