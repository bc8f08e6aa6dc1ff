// @gameday/cli: the `gameday` command. Other packages add a command group by exporting a
// CommandModule and listing it in commands/index.ts.
export { run, createProgram } from './program';
export type { CommandModule } from './command-module';
export { commands } from './commands';
export { EXIT, processIo } from './io';
export type { Io } from './io';
export { findRoot } from './root';
