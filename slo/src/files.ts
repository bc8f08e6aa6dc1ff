import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Links } from './describe';
import { generateFromSpecs, type GenerateOptions } from './generate';
import { GENERATED_HEADER, GRAFANA_URL_ENV, paths, RUNBOOK_BASE_URL_ENV } from './naming';
import type { SpecSource } from './spec/parse-spec';
import { findGenerated, syncFiles, type StaleFile, type SyncResult } from './sync';

export interface GenerateSlosOptions extends GenerateOptions {
  /** Repository root (the folder holding slo/specs). */
  rootDir: string;
  /** Compare instead of writing: report what is stale. */
  check?: boolean;
  /** Environment to read GAMEDAY_RUNBOOK_BASE_URL and GAMEDAY_GRAFANA_URL from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export type { StaleFile };

/** What was written (or is stale, with check); `removed` are outputs of specs that are gone. */
export interface GenerateSlosResult extends SyncResult {
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
  const isGenerated = (content: string): boolean => content.startsWith(GENERATED_HEADER);
  return findGenerated(rootDir, [
    { dir: paths.generatedRulesDir, pattern: /\.slo\.(rules|test|[a-z]+\.test)\.yml$/, isGenerated },
    { dir: paths.prometheusRuleDir, pattern: /\.yaml$/, isGenerated },
  ]);
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

  const synced = syncFiles(rootDir, result.files, existingGenerated(rootDir), check);
  return {
    ...synced,
    warnings: result.warnings,
    sloCount: result.services.reduce((n, s) => n + s.slos.length, 0),
  };
}
