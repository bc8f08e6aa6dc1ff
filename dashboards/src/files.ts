// `gameday dashboards generate [--check]`: renders every dashboard and provisioning file from
// slo/specs and the catalogue, writes what changed and removes outputs nothing generates any more;
// with `check`, writes nothing and names each stale file. Invalid input throws before any write.
import { findGenerated, readSpecSources, syncFiles, type SyncResult } from '@gameday/slo';
import { generateDashboards, type GenerateInputOptions } from './generate';
import { GENERATED_HEADER, GENERATED_NOTE, paths } from './naming';

export interface GenerateDashboardFilesOptions extends GenerateInputOptions {
  rootDir: string;
  check?: boolean;
}

export interface GenerateDashboardFilesResult extends SyncResult {
  dashboardCount: number;
}

function existingGenerated(rootDir: string): string[] {
  return findGenerated(rootDir, [
    {
      dir: paths.generatedDir,
      pattern: /\.json$/,
      isGenerated: (c) => c.includes(GENERATED_NOTE.slice(0, 60)),
    },
    { dir: paths.configMapDir, pattern: /\.yaml$/, isGenerated: (c) => c.startsWith(GENERATED_HEADER) },
  ]);
}

export function generateDashboardFiles(options: GenerateDashboardFilesOptions): GenerateDashboardFilesResult {
  const result = generateDashboards(readSpecSources(options.rootDir), options);
  return {
    ...syncFiles(options.rootDir, result.files, existingGenerated(options.rootDir), options.check ?? false),
    dashboardCount: result.dashboards.length,
  };
}
