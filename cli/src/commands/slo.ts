import { formatSloStatus, generateSlos, readSloStatus } from '@gameday/slo';
import type { Command } from 'commander';
import type { CommandModule } from '../command-module';
import { EXIT } from '../io';
import { findRoot } from '../root';
import { printGenerateError, printSync } from '../sync-output';

const REASONS = {
  changed: 'differs from what the specs generate',
  missing: 'is missing',
  orphaned: 'has no spec any more',
} as const;

export const sloCommands: CommandModule = {
  register(program: Command, io, setExitCode) {
    const slo = program
      .command('slo')
      .description('SLOs as code: specs in slo/specs → rules, alerts, runbooks');

    slo
      .command('generate')
      .description(
        'generate Prometheus rules, PrometheusRules, promtool tests and runbook skeletons from slo/specs\n' +
          'exit codes: 0 up to date / written, 1 stale (--check), 2 invalid spec or could not run',
      )
      .option('--check', 'write nothing; fail naming each stale file (for CI)')
      .option('--root <dir>', 'repository root (default: found from the current folder)')
      .action((options: { check?: boolean; root?: string }) => {
        const check = options.check ?? false;
        let result;
        try {
          const rootDir = options.root ?? findRoot(io.cwd);
          result = generateSlos({ rootDir, check, env: io.env });
        } catch (err) {
          printGenerateError(io, setExitCode, 'gameday slo generate', 'invalid SLO spec', err);
          return;
        }
        for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
        printSync(io, setExitCode, result, {
          check,
          reasons: REASONS,
          upToDate: `SLO outputs are up to date (${result.sloCount} SLOs).`,
          what: `${result.sloCount} SLOs`,
          fix: 'gameday slo generate',
        });
      });

    slo
      .command('status')
      .description("each SLO's burn rate and remaining error budget, read from Prometheus")
      .option(
        '--prometheus <url>',
        'Prometheus base URL',
        io.env.GAMEDAY_PROMETHEUS_URL ?? 'http://127.0.0.1:9090',
      )
      .action(async (options: { prometheus: string }) => {
        try {
          io.stdout(`${formatSloStatus(await readSloStatus(options.prometheus))}\n`);
        } catch (err) {
          io.stderr(`gameday slo status: ${(err as Error).message}\n`);
          setExitCode(EXIT.couldNotRun);
        }
      });
  },
};
