/** One thing wrong with a spec file, located as precisely as we can. */
export interface SpecProblem {
  /** The file as the user knows it (relative to the repository root). */
  file: string;
  /** Where inside the document, e.g. `slos[1].sli.threshold`; empty for the document itself. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export function formatProblem(p: SpecProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return `${where}: ${p.path === '' ? '(document)' : p.path}: ${p.message}`;
}

/** A spec that cannot be used. Carries every problem found, not only the first. */
export class SpecError extends Error {
  readonly problems: SpecProblem[];
  constructor(problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecError';
    this.problems = problems;
  }
}

/** Adds what we were doing to an error while keeping the cause for callers that inspect it. */
export function wrap(context: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`${context}: ${message}`, { cause: err });
}
