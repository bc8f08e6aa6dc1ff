import { cleanupLocal, parseDuration, parseExternals, runChaos, verifyJournal } from '@gameday/chaos';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CommandModule } from '../command-module';
import { EXIT } from '../io';
import { findRoot } from '../root';

interface RunFlags {
  engine: string;
  dryRun?: boolean;
  reports?: string;
  stackState?: string;
  prometheus?: string;
  alertmanager?: string;
  jaeger?: string;
  namespace?: string;
  external?: string[];
  metricsPort?: number;
  waitAdmission?: number;
  root?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port (0-65535)');
  return n;
}

export const chaosCommands: CommandModule = {
  register(program: Command, io, setExitCode) {
    const chaos = program
      .command('chaos')
      .description('chaos experiments judged by SLOs: chaos/experiments/*.yaml');

    chaos
      .command('run')
      .argument('<file|dir>', 'an experiment spec, or a folder of them')
      .description(
        'run experiments: preflight → baseline → inject → observe → recover → verify → report\n' +
          'exit codes: 0 every hypothesis held / 1 a hypothesis failed / 2 could not run (bad spec, refused, error, Ctrl-C)',
      )
      .option('--engine <engine>', 'local (the npm start stack) or kubernetes (Chaos Mesh)', 'local')
      .option('--dry-run', 'validate and print what would be injected (Chaos Mesh manifests for kubernetes)')
      .option(
        '--reports <dir>',
        'where reports go (default .gameday/chaos/reports, or chaos/reports for kubernetes)',
      )
      .option('--stack-state <file>', 'the local stack state (default $GAMEDAY_HOME/stack.json)')
      .option('--prometheus <url>', 'Prometheus base URL (local default: from the stack)')
      .option('--alertmanager <url>', 'Alertmanager base URL (local default: from the stack)')
      .option(
        '--jaeger <url>',
        "Jaeger query API for the reports' example traces (default GAMEDAY_JAEGER_URL, local: from the stack)",
      )
      .option('--namespace <ns>', 'kubernetes: default namespace of targets (default gameday)')
      .option(
        '--external <dependency=hosts>',
        'kubernetes: where a dependency outside the cluster lives, e.g. postgres=<rds host> or kafka=<b-1…,b-2…> (repeatable)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--metrics-port <port>', 'kubernetes: serve gameday_chaos_experiment_active here', port)
      .option(
        '--wait-admission <duration>',
        'while the target SLOs burn, wait this long (e.g. 5m) before refusing',
        (v: string) => {
          try {
            return parseDuration(v);
          } catch (err) {
            throw new InvalidArgumentError((err as Error).message);
          }
        },
      )
      .option('--root <dir>', 'repository root (default: found from the current folder)')
      .action(async (target: string, flags: RunFlags) => {
        if (flags.engine !== 'local' && flags.engine !== 'kubernetes') {
          io.stderr(`gameday chaos run: --engine must be local or kubernetes (got ${flags.engine})\n`);
          setExitCode(EXIT.couldNotRun);
          return;
        }
        let externals: Record<string, string[]> | undefined;
        try {
          externals = flags.external ? parseExternals(flags.external) : undefined;
        } catch (err) {
          io.stderr(`gameday chaos run: ${(err as Error).message}\n`);
          setExitCode(EXIT.couldNotRun);
          return;
        }
        const abort = new AbortController();
        const onSignal = () => {
          io.stderr('\ninterrupted: rolling back the fault…\n');
          abort.abort();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const { exitCode } = await runChaos({
            target,
            engine: flags.engine,
            dryRun: flags.dryRun ?? false,
            root: flags.root ?? findRoot(io.cwd),
            cwd: io.cwd,
            env: io.env,
            out: io,
            signal: abort.signal,
            ...(flags.reports ? { reportsDir: flags.reports } : {}),
            ...(flags.stackState ? { stackState: flags.stackState } : {}),
            ...(flags.prometheus ? { prometheusUrl: flags.prometheus } : {}),
            ...(flags.alertmanager ? { alertmanagerUrl: flags.alertmanager } : {}),
            ...(flags.jaeger ? { jaegerUrl: flags.jaeger } : {}),
            ...(flags.namespace ? { namespace: flags.namespace } : {}),
            ...(externals ? { externals } : {}),
            ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}),
            ...(flags.waitAdmission !== undefined ? { admissionWaitSeconds: flags.waitAdmission } : {}),
          });
          setExitCode(exitCode);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      });

    chaos
      .command('verify')
      .argument('<report.json>', 'the JSON evidence journal a run wrote')
      .description(
        'recompute the verdict offline from the journal\n' +
          'exit codes: 0 passed / 1 failed / 2 unreadable, or the recorded verdict does not match the evidence',
      )
      .action(async (file: string) => setExitCode(await verifyJournal(file, io)));

    chaos
      .command('cleanup')
      .description(
        'remove every fault a crashed run left in the local stack (fault switches, toxics, SIGSTOP)',
      )
      .option('--stack-state <file>', 'the local stack state (default $GAMEDAY_HOME/stack.json)')
      .option('--root <dir>', 'repository root')
      .action(async (flags: { stackState?: string; root?: string }) => {
        setExitCode(
          await cleanupLocal({
            root: flags.root ?? findRoot(io.cwd),
            env: io.env,
            out: io,
            ...(flags.stackState ? { stackState: flags.stackState } : {}),
          }),
        );
      });
  },
};
