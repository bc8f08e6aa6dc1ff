// What `gameday slo generate` and `gameday dashboards generate` print: with --check the stale files
// (exit 1) or that all is up to date; otherwise what was written and removed.
import { SpecError, type StaleFile, type SyncResult } from '@gameday/slo';
import { EXIT, type Io } from './io';

export interface SyncReport {
  check: boolean;
  /** Why each kind of stale file is stale, completing "stale: <path> ...". */
  reasons: Record<StaleFile['reason'], string>;
  /** e.g. "SLO outputs are up to date (15 SLOs)." */
  upToDate: string;
  /** e.g. "15 SLOs": the start of the summary line after writing. */
  what: string;
  /** The command that repairs stale files. */
  fix: string;
}

export function printSync(
  io: Io,
  setExitCode: (code: number) => void,
  result: SyncResult,
  r: SyncReport,
): void {
  if (r.check) {
    if (result.stale.length === 0) {
      io.stdout(`${r.upToDate}\n`);
      return;
    }
    for (const file of result.stale) io.stderr(`stale: ${file.path} ${r.reasons[file.reason]}\n`);
    io.stderr(`${result.stale.length} stale file(s): run \`${r.fix}\` and commit the result.\n`);
    setExitCode(EXIT.failed);
    return;
  }
  for (const path of result.written) io.stdout(`wrote ${path}\n`);
  for (const path of result.removed) io.stdout(`removed ${path}\n`);
  io.stdout(
    `${r.what}: ${result.written.length} file(s) written, ${result.removed.length} removed, ` +
      `${result.unchanged.length} unchanged.\n`,
  );
}

/** A generator that could not run: an invalid spec names each problem; nothing was written (exit 2). */
export function printGenerateError(
  io: Io,
  setExitCode: (code: number) => void,
  command: string,
  invalid: string,
  err: unknown,
): void {
  io.stderr(
    err instanceof SpecError
      ? `${command}: ${invalid}, nothing written:\n${err.message}\n`
      : `${command}: ${(err as Error).message}\n`,
  );
  setExitCode(EXIT.couldNotRun);
}
