import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Links } from './describe';
import { generateFromSpecs, type GenerateOptions } from './generate';
import { GENERATED_HEADER, GRAFANA_URL_ENV, paths, RUNBOOK_BASE_URL_ENV } from './naming';
import type { SpecSource } from './spec/parse-spec';

export interface GenerateSlosOptions extends GenerateOptions {
  /** Repository root (the folder holding slo/specs). */
  rootDir: string;
  /** Compare instead of writing: report what is stale. */
  check?: boolean;
  /** Environment to read GAMEDAY_RUNBOOK_BASE_URL and GAMEDAY_GRAFANA_URL from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface StaleFile {
  path: string;
  reason: 'changed' | 'missing' | 'orphaned';
}

export interface GenerateSlosResult {
  /** Files written, relative to the root (empty with --check). */
  written: string[];
  unchanged: string[];
  /** Generated files whose spec is gone: deleted, or reported by --check. */
  removed: string[];
  stale: StaleFile[];
  warnings: string[];
  sloCount: number;
}

/** Reads slo/specs/*.yaml under rootDir. */
export function readSpecSources(rootDir: string): SpecSource[] {
  const dir = join(rootDir, paths.specsDir);
  if (!existsSync(dir))
    throw new Error(`no ${paths.specsDir} folder under ${rootDir}; run from the repository root`);
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ file: `${paths.specsDir}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

export function linksFromEnv(env: NodeJS.ProcessEnv): Partial<Links> {
  const links: Partial<Links> = {};
  if (env[RUNBOOK_BASE_URL_ENV]) links.runbookBaseUrl = env[RUNBOOK_BASE_URL_ENV];
  if (env[GRAFANA_URL_ENV]) links.grafanaUrl = env[GRAFANA_URL_ENV];
  return links;
}

/** Generated files already on disk (recognised by their header), so removed specs leave nothing behind. */
function existingGenerated(rootDir: string): string[] {
  const found: string[] = [];
  const scan = (dir: string, pattern: RegExp): void => {
    const abs = join(rootDir, dir);
    if (!existsSync(abs)) return;
    for (const f of readdirSync(abs)) {
      if (!pattern.test(f)) continue;
      const rel = `${dir}/${f}`;
      if (readFileSync(join(rootDir, rel), 'utf8').startsWith(GENERATED_HEADER)) found.push(rel);
    }
  };
  scan(paths.generatedRulesDir, /\.slo\.(rules|test|[a-z]+\.test)\.yml$/);
  scan(paths.prometheusRuleDir, /\.yaml$/);
  return found;
}

/**
 * `gameday slo generate`: renders every output from slo/specs and writes it, or with `check`
 * reports each stale file. A bad spec throws a SpecError before anything is written.
 */
export function generateSlos(options: GenerateSlosOptions): GenerateSlosResult {
  const { rootDir, check = false } = options;
  const env = options.env ?? process.env;
  const result = generateFromSpecs(readSpecSources(rootDir), {
    ...options,
    links: { ...linksFromEnv(env), ...options.links },
  });

  const out: GenerateSlosResult = {
    written: [],
    unchanged: [],
    removed: [],
    stale: [],
    warnings: result.warnings,
    sloCount: result.services.reduce((n, s) => n + s.slos.length, 0),
  };
  const writes: Array<{ path: string; content: string }> = [];
  for (const file of result.files) {
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
  const expected = new Set(result.files.map((f) => f.path));
  const orphans = existingGenerated(rootDir).filter((p) => !expected.has(p));
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
