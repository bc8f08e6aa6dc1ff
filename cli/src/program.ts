import { Command, CommanderError } from 'commander';
import type { CommandModule } from './command-module';
import { commands as defaultCommands } from './commands';
import { EXIT, type Io } from './io';

/** Builds the `gameday` program from command modules. */
export function createProgram(
  io: Io,
  setExitCode: (code: number) => void,
  modules: CommandModule[],
): Command {
  const program = new Command('gameday')
    .description('gameday operations: SLOs and dashboards as code, chaos experiments, traces and logs')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const module of modules) module.register(program, io, setExitCode);
  return program;
}

/** Runs `gameday <argv>` and resolves to the exit code instead of exiting, so tests can call it. */
export async function run(
  argv: string[],
  io: Io,
  modules: CommandModule[] = defaultCommands,
): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram(io, (c) => (code = c), modules);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.couldNotRun;
    }
    io.stderr(`gameday: ${(err as Error).message}\n`);
    return EXIT.couldNotRun;
  }
  return code;
}
