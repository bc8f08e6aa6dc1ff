// What the controller needs from an engine. The local engine acts on the processes, proxies and
// fault switches of the local stack; the kubernetes engine creates Chaos Mesh resources.

import type { Experiment } from './spec';

export interface EngineSnapshot {
  resource: string;
  status: unknown;
}

export class EngineError extends Error {
  constructor(
    message: string,
    /** What the user can do about it. */
    readonly hint?: string,
  ) {
    super(hint ? `${message}\n  → ${hint}` : message);
    this.name = 'EngineError';
  }
}

export interface Engine {
  readonly name: 'local' | 'kubernetes';
  /** Checks the target exists and nothing is left injected; throws EngineError when it cannot run. */
  preflight(experiment: Experiment, runId: string): Promise<void>;
  /** Injects the fault; resolves once it is in place (a one-shot kill: once done). */
  inject(experiment: Experiment, runId: string): Promise<void>;
  /** Removes the fault. Idempotent: safe to call when nothing (or only part) was injected. */
  remove(): Promise<void>;
  /** What is still injected after remove(); empty when clean. */
  leftovers(): Promise<string[]>;
  /** The state of what the engine acts on, for the journal. */
  snapshot(): Promise<EngineSnapshot[]>;
  /** What inject() would do, without doing it (--dry-run). */
  describe(experiment: Experiment, runId: string): string;
}
