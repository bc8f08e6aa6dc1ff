// `gameday chaos run`: loads the specs, picks the engine, runs each experiment through the
// controller, writes the reports, and returns the exit code (0 passed, 1 a hypothesis failed,
// 2 could not run). Also `verify` (recompute a verdict offline) and `cleanup`.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findExampleTraces, formatDuration, JaegerClient, VictoriaLogsClient } from '@gameday/signals';
import { defaultStateFile } from '@gameday/stack/state-file';
import { chartSuffix, renderSvg, sloChartSpec } from './charts';
import { Controller } from './controller';
import type { ActiveFaultSink, TraceEvidence } from './controller';
import type { Engine } from './engine';
import { EngineError } from './engine';
import { renderManifest, validateManifest } from './engines/chaos-mesh';
import { KubernetesEngine } from './engines/kubernetes';
import { LocalEngine, readStackState } from './engines/local';
import type { Journal, Verdict } from './journal';
import { JOURNAL_VERSION } from './journal';
import { Alertmanager, Prometheus, ReceiverSink } from './observe';
import { summaryTable, writeReport } from './report';
import type { SummaryRow } from './report';
import { GrafanaAnnotations, OwnMetricsSink, StackActiveSink } from './sinks';
import { SloCatalogue } from './slos';
import { ExperimentSpecError, loadExperiments } from './spec';
import type { LoadedExperiment } from './spec';
import { computeVerdict } from './verdict';

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface RunOptions {
  target: string;
  engine: 'local' | 'kubernetes';
  dryRun: boolean;
  root: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Output;
  /** Where reports go (default <home>/chaos/reports, or chaos/reports for kubernetes). */
  reportsDir?: string;
  /** The local stack's state file (default $GAMEDAY_HOME/stack.json or <root>/.gameday/stack.json). */
  stackState?: string;
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  /** Jaeger's query API for example traces (default GAMEDAY_JAEGER_URL, else the local stack's). */
  jaegerUrl?: string;
  namespace?: string;
  /** Kubernetes engine: hosts of the dependencies outside the cluster (postgres → RDS, kafka → MSK). */
  externals?: Record<string, string[]>;
  /** Kubernetes engine: serve the active-fault gauge here (0 = any port). */
  metricsPort?: number;
  signal?: AbortSignal;
  /** Wait this long for admission instead of refusing at once. */
  admissionWaitSeconds?: number;
}

export const EXIT = { passed: 0, failed: 1, couldNotRun: 2 } as const;

/** Example traces from Jaeger, with their log lines from VictoriaLogs when it is there. */
function traceEvidence(jaegerUrl: string, logsUrl: string | undefined): TraceEvidence {
  // Short deadlines: the report waits for the answer.
  const jaeger = new JaegerClient(jaegerUrl, 3_000);
  const logs = logsUrl ? new VictoriaLogsClient(logsUrl, 3_000) : undefined;
  return async (q) =>
    (await findExampleTraces(jaeger, { ...q, limit: 3 }, logs)).map((t) => ({
      traceId: t.traceId,
      reason: t.reason,
      summary:
        `${t.summary.root} · ${formatDuration(t.summary.durationUs)} · ${t.summary.spans} spans · ` +
        `${t.summary.services.join(', ')}${t.summary.errors ? ` · ${t.summary.errors} error span(s)` : ''}`,
      url: `${jaegerUrl.replace(/\/+$/, '')}/api/traces/${t.traceId}`,
      waterfall: t.waterfall,
    }));
}

async function kubernetesEngine(o: RunOptions): Promise<Engine> {
  return KubernetesEngine.fromEnvironment({
    env: o.env,
    namespace: o.namespace ?? o.env.GAMEDAY_NAMESPACE ?? 'gameday',
    ...(o.externals ? { externals: o.externals } : {}),
    root: o.root,
    progress: (l: string) => o.out.stderr(`${l}\n`),
  });
}

/** The manifests or actions an experiment would apply, without touching anything. */
async function dryRun(o: RunOptions, loaded: LoadedExperiment[], slos: SloCatalogue): Promise<number> {
  for (const { file, experiment } of loaded) {
    slos.resolve(experiment, file);
    const runId = `gameday-${experiment.metadata.name}-dryrun`.slice(0, 63);
    o.out.stdout(`# ${file}: ${experiment.metadata.name}\n`);
    if (o.engine === 'kubernetes') {
      const manifest = renderManifest(
        experiment,
        runId,
        o.namespace ?? o.env.GAMEDAY_NAMESPACE ?? 'gameday',
        o.externals ? { externals: o.externals } : {},
      );
      const problems = validateManifest(manifest as unknown as Record<string, unknown> & { kind: string });
      if (problems.length)
        throw new EngineError(
          `the rendered ${manifest.kind} does not validate against the Chaos Mesh CRD:\n  ${problems.join('\n  ')}`,
        );
      o.out.stdout(`---\n${stringify(manifest)}`);
    } else {
      o.out.stdout(`${new LocalEngine({ stateFile: '' }).describe(experiment, runId)}\n`);
    }
  }
  o.out.stderr(`dry run: ${loaded.length} experiment(s) valid; nothing was injected.\n`);
  return EXIT.passed;
}

export async function runChaos(o: RunOptions): Promise<{ exitCode: number; rows: SummaryRow[] }> {
  let loaded: LoadedExperiment[];
  let slos: SloCatalogue;
  try {
    loaded = loadExperiments(o.target, o.cwd);
    slos = SloCatalogue.load(o.root);
    for (const l of loaded) slos.resolve(l.experiment, l.file);
    if (o.dryRun) return { exitCode: await dryRun(o, loaded, slos), rows: [] };
  } catch (err) {
    if (err instanceof ExperimentSpecError)
      o.out.stderr(`invalid experiment spec, nothing was run:\n${err.message}\n`);
    else o.out.stderr(`${(err as Error).message}\n`);
    return { exitCode: EXIT.couldNotRun, rows: [] };
  }

  let engine: Engine;
  let prometheusUrl = o.prometheusUrl ?? o.env.GAMEDAY_PROMETHEUS_URL;
  let alertmanagerUrl = o.alertmanagerUrl ?? o.env.GAMEDAY_ALERTMANAGER_URL;
  // The trace backend the reports' example traces come from (Jaeger's query API).
  let jaegerUrl = o.jaegerUrl ?? o.env.GAMEDAY_JAEGER_URL;
  let logsUrl = o.env.GAMEDAY_LOGS_URL;
  let receivers: ReceiverSink | undefined;
  let active: ActiveFaultSink | undefined;
  let own: OwnMetricsSink | undefined;
  let reportsDir = o.reportsDir;
  try {
    if (o.engine === 'local') {
      const stateFile = o.stackState ?? defaultStateFile(o.root, o.env);
      const state = readStackState(stateFile);
      engine = new LocalEngine({ stateFile });
      prometheusUrl ??= state.prometheus.url;
      alertmanagerUrl ??= state.alertmanager.url;
      jaegerUrl ??= state.traces?.url;
      logsUrl ??= state.logs?.url;
      receivers = new ReceiverSink(state.stack.alerts);
      active = new StackActiveSink(state.stack.url);
      reportsDir ??= join(state.home, 'chaos', 'reports');
    } else {
      engine = await kubernetesEngine(o);
      own = new OwnMetricsSink();
      const port = await own.listen(o.metricsPort ?? 0);
      o.out.stderr(`gameday_chaos_experiment_active is served at http://127.0.0.1:${port}/metrics\n`);
      active = own;
      reportsDir ??= join(o.root, 'chaos', 'reports');
      if (!prometheusUrl)
        throw new EngineError(
          'the kubernetes engine needs Prometheus',
          "set GAMEDAY_PROMETHEUS_URL or --prometheus (e.g. a port-forward to the cluster's Prometheus)",
        );
    }
  } catch (err) {
    o.out.stderr(`${(err as Error).message}\n`);
    await own?.close();
    return { exitCode: EXIT.couldNotRun, rows: [] };
  }

  const controller = new Controller({
    engine,
    prometheus: new Prometheus(prometheusUrl!),
    ...(alertmanagerUrl ? { alertmanager: new Alertmanager(alertmanagerUrl) } : {}),
    ...(receivers ? { receivers } : {}),
    slos,
    active,
    ...(o.env.GRAFANA_URL
      ? { annotations: new GrafanaAnnotations(o.env.GRAFANA_URL, o.env.GRAFANA_TOKEN) }
      : {}),
    ...(jaegerUrl ? { traces: traceEvidence(jaegerUrl, logsUrl) } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.admissionWaitSeconds ? { admissionWaitSeconds: o.admissionWaitSeconds } : {}),
    progress: (line) => o.out.stderr(`${line}\n`),
  });

  const rows: SummaryRow[] = [];
  let exitCode: number = EXIT.passed;
  for (const { file, experiment } of loaded) {
    if (o.signal?.aborted) break;
    const journal = await controller.run(file, experiment);
    const paths = await writeReport(reportsDir!, journal);
    o.out.stderr(`report: ${paths.markdown}\njournal: ${paths.json}\n`);
    rows.push({
      experiment: experiment.metadata.name,
      verdict: journal.verdict,
      report: paths.markdown,
      charts: paths.charts,
    });
    exitCode = Math.max(exitCode, journal.verdict.exitCode);
  }
  await own?.close();
  o.out.stdout(summaryTable(rows));
  return { exitCode, rows };
}

/**
 * Recomputes a saved journal's verdict, and renders its charts again to compare with the SVG files
 * beside it, byte for byte; exit 0/1 as the verdict, 2 when the journal is unusable or disagrees.
 */
export async function verifyJournal(path: string, out: Output): Promise<number> {
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  } catch (err) {
    out.stderr(`cannot read ${path}: ${(err as Error).message}\n`);
    return EXIT.couldNotRun;
  }
  if (journal.version !== JOURNAL_VERSION || !Array.isArray(journal.samples) || !journal.experiment) {
    out.stderr(`${path} is not a gameday chaos journal (version ${JOURNAL_VERSION})\n`);
    return EXIT.couldNotRun;
  }
  const { verdict: recorded, ...evidence } = journal;
  const recomputed: Verdict = computeVerdict(evidence);
  const same = JSON.stringify(recomputed) === JSON.stringify(recorded);
  out.stdout(
    `${journal.experiment.metadata.name}: ${recomputed.status.toUpperCase()} — ${recomputed.summary}\n`,
  );
  for (const c of recomputed.checks) {
    out.stdout(
      `  ${c.passed ? 'pass' : 'FAIL'} ${c.name}${c.slo ? ` ${c.slo}` : ''}: expected ${c.expected}; observed ${c.observed}\n`,
    );
  }
  if (!same) {
    out.stderr(
      `the recorded verdict (${recorded?.status}: ${recorded?.summary}) differs from the one recomputed from the evidence\n`,
    );
    return EXIT.couldNotRun;
  }
  const base = path.replace(/\.json$/, '');
  let charts = 0;
  for (const slo of journal.slos) {
    const file = `${base}.${chartSuffix(slo)}`;
    const spec = existsSync(file) ? sloChartSpec(journal, slo) : null;
    if (!spec) continue;
    if (readFileSync(file, 'utf8') !== (await renderSvg(spec))) {
      out.stderr(
        `${file} differs from the chart the journal renders: it was edited, or drawn from other evidence\n`,
      );
      return EXIT.couldNotRun;
    }
    charts++;
  }
  out.stdout(
    `verified: the recorded verdict matches the evidence (${journal.samples.length} samples, ${journal.queries.length} queries)` +
      `${charts ? `; ${charts} chart(s) render the same` : ''}\n`,
  );
  return recomputed.exitCode;
}

export async function cleanupLocal(
  o: Pick<RunOptions, 'root' | 'env' | 'out' | 'stackState'>,
): Promise<number> {
  try {
    const engine = new LocalEngine({ stateFile: o.stackState ?? defaultStateFile(o.root, o.env) });
    const removed = await engine.cleanup();
    o.out.stdout(
      removed.length
        ? removed.map((r) => `removed ${r}\n`).join('')
        : 'nothing injected: the stack is clean\n',
    );
    return EXIT.passed;
  } catch (err) {
    o.out.stderr(`${(err as Error).message}\n`);
    return EXIT.couldNotRun;
  }
}
