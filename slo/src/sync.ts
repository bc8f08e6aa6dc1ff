// Writing generated files, shared by every generator (`gameday slo generate`, `gameday dashboards
// generate`): compare each file with what is on disk, write what changed, delete generated files no
// input produces any more; with `check`, write nothing and report each stale file.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FileToSync {
  /** Relative to the repository root. */
  path: string;
  content: string;
  /** Written only when missing, never overwritten (files that belong to people once created). */
  createOnly?: boolean;
}

export interface StaleFile {
  path: string;
  reason: 'changed' | 'missing' | 'orphaned';
}

export interface SyncResult {
  /** Files written, relative to the root (empty with check). */
  written: string[];
  unchanged: string[];
  /** Generated files nothing produces any more: deleted, or reported by check. */
  removed: string[];
  stale: StaleFile[];
}

/** A folder to look for earlier outputs in: files matching `pattern` whose content `isGenerated` says so. */
export interface GeneratedScan {
  dir: string;
  pattern: RegExp;
  isGenerated: (content: string) => boolean;
}

/** Generated files already on disk, so removed inputs leave nothing behind. */
export function findGenerated(rootDir: string, scans: GeneratedScan[]): string[] {
  const found: string[] = [];
  for (const { dir, pattern, isGenerated } of scans) {
    const abs = join(rootDir, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) {
      if (!pattern.test(f)) continue;
      const rel = `${dir}/${f}`;
      if (isGenerated(readFileSync(join(rootDir, rel), 'utf8'))) found.push(rel);
    }
  }
  return found;
}

export function syncFiles(
  rootDir: string,
  files: FileToSync[],
  existing: string[],
  check: boolean,
): SyncResult {
  const out: SyncResult = { written: [], unchanged: [], removed: [], stale: [] };
  const writes: FileToSync[] = [];
  for (const file of files) {
    const abs = join(rootDir, file.path);
    const exists = existsSync(abs);
    if (file.createOnly) {
      if (exists) continue;
      out.stale.push({ path: file.path, reason: 'missing' });
      writes.push(file);
      continue;
    }
    if (exists && readFileSync(abs, 'utf8') === file.content) {
      out.unchanged.push(file.path);
      continue;
    }
    out.stale.push({ path: file.path, reason: exists ? 'changed' : 'missing' });
    writes.push(file);
  }
  const expected = new Set(files.map((f) => f.path));
  const orphans = existing.filter((p) => !expected.has(p));
  for (const p of orphans) out.stale.push({ path: p, reason: 'orphaned' });

  if (!check) {
    for (const file of writes) {
      const abs = join(rootDir, file.path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, file.content);
      out.written.push(file.path);
    }
    for (const p of orphans) {
      rmSync(join(rootDir, p));
      out.removed.push(p);
    }
  }
  return out;
}
