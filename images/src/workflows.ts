// Checks on .github/workflows/*.yml that actionlint does not make: every action pinned to a commit,
// no expression at all inside `run:` scripts (actionlint flags github.event.* and the like, not
// inputs.*), and least-privilege GITHUB_TOKEN permissions. Pure functions of a file's text; each
// finding carries its 1-based line, so a failure reads like a compiler error (file:line).
import type { Node, YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export interface UnpinnedAction {
  file: string;
  line: number;
  uses: string;
}

export interface ExpressionInRun {
  file: string;
  line: number;
  expression: string;
}

export interface PermissionProblem {
  file: string;
  line: number;
  problem: string;
}

/** owner/repo[/path]@<40 hex>, or a docker:// image by sha256 digest. Local (./) actions are exempt. */
const PINNED = /^(?:[^@\s]+@[0-9a-f]{40}|docker:\/\/[^@\s]+@sha256:[0-9a-f]{64})$/;

interface Parsed {
  root: YAMLMap | undefined;
  line: (node: Node | null | undefined) => number;
  lineAt: (offset: number) => number;
}

function parse(file: string, text: string): Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const error = doc.errors[0];
  if (error) throw new Error(`${file}:${error.linePos?.[0].line ?? 1}: ${error.message}`);
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const line = (node: Node | null | undefined) => (node?.range ? lineAt(node.range[0]) : 1);
  return { root: isMap(doc.contents) ? doc.contents : undefined, line, lineAt };
}

function map(node: unknown): YAMLMap | undefined {
  return isMap(node) ? node : undefined;
}

/** Each job as [name node, job map]. */
function jobs(root: YAMLMap | undefined): [Node, YAMLMap][] {
  const all = map(root?.get('jobs', true));
  if (!all) return [];
  return all.items.flatMap((pair) => {
    const job = map(pair.value);
    return job && isScalar(pair.key) ? [[pair.key, job] as [Node, YAMLMap]] : [];
  });
}

/** Every `uses:` (a job's reusable workflow or a step's action) not pinned to a full commit SHA. */
export function unpinnedActions(file: string, text: string): UnpinnedAction[] {
  const { root, line } = parse(file, text);
  const found: UnpinnedAction[] = [];
  const check = (node: unknown) => {
    if (!isScalar(node)) return;
    const uses = String(node.value);
    if (!uses.startsWith('./') && !PINNED.test(uses)) found.push({ file, line: line(node), uses });
  };
  for (const [, job] of jobs(root)) {
    check(job.get('uses', true));
    const steps = job.get('steps', true);
    if (isSeq(steps)) for (const step of steps.items) check(map(step)?.get('uses', true));
  }
  return found;
}

/** Every `${{ … }}` inside a step's `run:`: values reach scripts through `env:`, never pasted into them. */
export function expressionsInRun(file: string, text: string): ExpressionInRun[] {
  const { root, lineAt } = parse(file, text);
  const found: ExpressionInRun[] = [];
  for (const [, job] of jobs(root)) {
    const steps = job.get('steps', true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      const run = map(step)?.get('run', true);
      if (!isScalar(run) || !run.range) continue;
      const [start, end] = run.range;
      for (const m of text.slice(start, end).matchAll(/\$\{\{[^}]*\}\}/g))
        found.push({ file, line: lineAt(start + m.index), expression: m[0] });
    }
  }
  return found;
}

/** true when a `permissions:` value grants any write: `write-all`, or a scope set to `write`. */
function grantsWrite(node: unknown): boolean {
  if (isScalar(node)) return node.value === 'write-all';
  return isMap(node) && node.items.some((pair) => isScalar(pair.value) && pair.value.value === 'write');
}

/**
 * A workflow without top-level `permissions` (the repository default applies, often write-all),
 * `write-all` at the top or in a job, and jobs without their own `permissions` while the top level
 * grants writes (each job would inherit them).
 */
export function missingPermissions(file: string, text: string): PermissionProblem[] {
  const { root, line } = parse(file, text);
  const problems: PermissionProblem[] = [];
  const top = root?.get('permissions', true);
  if (top === undefined) {
    problems.push({ file, line: 1, problem: 'no top-level permissions (the repository default applies)' });
  } else if (isScalar(top) && top.value === 'write-all') {
    problems.push({ file, line: line(top), problem: 'top-level permissions: write-all' });
  }
  const topWrites = grantsWrite(top);
  for (const [name, job] of jobs(root)) {
    const own = job.get('permissions', true);
    const id = String(isScalar(name) ? name.value : name);
    if (isScalar(own) && own.value === 'write-all') {
      problems.push({ file, line: line(own), problem: `job ${id}: permissions: write-all` });
    } else if (own === undefined && topWrites) {
      problems.push({
        file,
        line: line(name),
        problem: `job ${id}: no permissions of its own while the top level grants writes`,
      });
    }
  }
  return problems;
}
