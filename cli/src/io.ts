/** Where a command reads and writes: the real process in main.ts, buffers in tests. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
};

/** Exit codes shared by every command (and by the chaos contract in ARCHITECTURE.md §5). */
export const EXIT = { ok: 0, failed: 1, couldNotRun: 2 } as const;
