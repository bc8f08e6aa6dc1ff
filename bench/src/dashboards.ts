// Bench: how long generating every dashboard takes (target: under 1 s). Two figures: the pipeline in
// process (parse the SLO specs, build 21 dashboards with the SDK, render JSON, provisioning and
// ConfigMaps), median of RUNS; and `gameday dashboards generate --check` as a user runs it, a fresh
// Node process each time (start-up and module loading included).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generateDashboards } from '@gameday/dashboards';
import { readSpecSources } from '@gameday/slo';
import { REPO_ROOT } from '@gameday/testing';

const RUNS = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface DashboardsBench {
  dashboards: number;
  files: number;
  bytes: number;
  inProcessMs: number;
  cliMs: number;
  runs: number;
}

export async function benchDashboards(): Promise<DashboardsBench> {
  const sources = readSpecSources(REPO_ROOT);
  const inProcess: number[] = [];
  let result = generateDashboards(sources);
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    result = generateDashboards(sources);
    inProcess.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const cli: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'cli', 'dist', 'main.js'), 'dashboards', 'generate', '--check'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    cli.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`gameday dashboards generate --check failed: ${r.stderr}`);
  }
  return {
    dashboards: result.dashboards.length,
    files: result.files.length,
    bytes: result.files.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
    inProcessMs: Math.round(median(inProcess) * 10) / 10,
    cliMs: Math.round(median(cli)),
    runs: RUNS,
  };
}
