import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpecSource } from '../src';

export const repoRoot = join(__dirname, '..', '..');
export const fixturesDir = join(__dirname, 'fixtures', 'specs');

/** The real binary, or a failure that says how to install it (CI runs `node scripts/bootstrap.mjs --system`). */
export function requireTool(name: 'promtool' | 'amtool' | 'prometheus' | 'prometheus-alertmanager'): string {
  // nosemgrep: gameday.child-process-shell-injection -- name is one of four literal tool names (its type)
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    const pkg = name === 'promtool' || name === 'prometheus' ? 'prometheus' : 'prometheus-alertmanager';
    throw new Error(
      `${name} is not on PATH. These tests run the real tool: install it with ` +
        `\`node scripts/bootstrap.mjs --system\` (Debian package ${pkg}).`,
    );
  }
  return path;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTool(bin: string, args: string[], cwd = repoRoot): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fixture specs as the generator sees them from slo/specs, so golden files name a stable source. */
export function fixtureSources(): SpecSource[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `slo/specs/${f}`, text: readFileSync(join(fixturesDir, f), 'utf8') }));
}

/** A scratch repository root holding the fixture specs under slo/specs. */
export function scratchRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'gameday-slo-'));
  cpSync(fixturesDir, join(root, 'slo', 'specs'), { recursive: true });
  return root;
}

/** Runs tasks at most `limit` at a time (promtool is CPU-bound; CI has two cores). */
export async function inBatches<T>(tasks: Array<() => Promise<T>>, limit = 2): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
