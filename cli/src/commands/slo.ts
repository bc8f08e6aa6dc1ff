import { formatSloStatus, generateSlos, readSloStatus, SpecError } from '@gameday/slo';
import type { Command } from 'commander';
import type { CommandModule } from '../command-module';
import { EXIT } from '../io';
import { findRoot } from '../root';

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
          if (err instanceof SpecError) {
            io.stderr(`gameday slo generate: invalid SLO spec, nothing written:\n${err.message}\n`);
          } else {
            io.stderr(`gameday slo generate: ${(err as Error).message}\n`);
          }
          setExitCode(EXIT.couldNotRun);
          return;
        }
        for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
        if (check) {
          if (result.stale.length === 0) {
            io.stdout(`SLO outputs are up to date (${result.sloCount} SLOs).\n`);
            return;
          }
          for (const file of result.stale) io.stderr(`stale: ${file.path} ${REASONS[file.reason]}\n`);
          io.stderr(
            `${result.stale.length} stale file(s): run \`gameday slo generate\` and commit the result.\n`,
          );
          setExitCode(EXIT.failed);
          return;
        }
        for (const path of result.written) io.stdout(`wrote ${path}\n`);
        for (const path of result.removed) io.stdout(`removed ${path}\n`);
        io.stdout(
          `${result.sloCount} SLOs: ${result.written.length} file(s) written, ${result.removed.length} removed, ` +
            `${result.unchanged.length} unchanged.\n`,
        );
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
