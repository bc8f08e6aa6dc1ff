import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_RUNBOOK_BASE_URL, ruleFiles, SEVERITIES, SEVERITY_LABEL, SLO_SERVICE_LABEL } from '../src';
import { repoRoot } from './helpers';

interface AlertRule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const alerts = ruleFiles(repoRoot).flatMap((file) =>
  (parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: AlertRule[] }> }).groups.flatMap((g) =>
    g.rules
      .filter((r) => r.alert !== undefined)
      .map((r) => ({ file: file.slice(repoRoot.length + 1), rule: r })),
  ),
);
const runbooksDir = join(repoRoot, 'runbooks');
const runbooks = readdirSync(runbooksDir).filter((f) => f.endsWith('.md') && f !== 'README.md');
const runbookOf = (url: string): string | undefined => /\/runbooks\/([^/?#]+\.md)$/.exec(url)?.[1];

describe('alerts and runbooks', () => {
  it('include the SLO alerts of every spec and the nine infrastructure alerts', () => {
    const names = new Set(alerts.map((a) => a.rule.alert));
    expect([...names].sort()).toEqual([
      'EventLoopLagHigh',
      'KafkaConsumerLagHigh',
      'PokeAPICircuitOpen',
      'PostgresPoolSaturated',
      'PostgresUnavailable',
      'ProcessRestarting',
      'SLOErrorBudgetBurn',
      'SchedulerDeadJobs',
      'SchedulerQueueStalled',
      'ServiceDown',
    ]);
  });

  it.each(
    alerts.map((a) => [
      `${a.rule.alert} ${a.rule.labels?.slo_service ?? ''}/${a.rule.labels?.slo_name ?? ''}`,
      a,
    ]),
  )('%s links a runbook that exists under runbooks/, and a dashboard', (_name, { rule }) => {
    const url = rule.annotations?.runbook_url ?? '';
    expect(url.startsWith(`${DEFAULT_RUNBOOK_BASE_URL}/runbooks/`)).toBe(true);
    const file = runbookOf(url);
    expect(file && existsSync(join(runbooksDir, file))).toBe(true);
    expect(rule.annotations?.dashboard_url).toMatch(/^http:\/\/localhost:3000\/d\//);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.description).toBeTruthy();
    // The hand-written infrastructure alerts carry the SLO alerts' labels: Alertmanager routes both alike.
    expect(SEVERITIES).toContain(rule.labels?.[SEVERITY_LABEL]);
    expect(rule.labels?.[SLO_SERVICE_LABEL]).toBeTruthy();
  });

  it('leave no runbook that no alert links to', () => {
    const linked = new Set(alerts.map((a) => runbookOf(a.rule.annotations?.runbook_url ?? '')));
    expect(runbooks.filter((f) => !linked.has(f))).toEqual([]);
  });

  it.each(runbooks)('%s has the sections on-call needs, with PromQL and LogQL to run', (file) => {
    const text = readFileSync(join(runbooksDir, file), 'utf8');
    for (const heading of [
      '## What this alert means',
      '## Player impact',
      '## Dashboard',
      '## Diagnosis',
      '## Mitigation',
      '## Escalation',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('```promql');
    expect(text).toContain('```logql');
    if (file.startsWith('slo-')) expect(text).toContain('## How to read burn rate and remaining budget');
  });

  it.each(runbooks)('%s gives the local-stack logs and trace queries beside the production ones', (file) => {
    const text = readFileSync(join(runbooksDir, file), 'utf8');
    // Production: LogQL (Loki) and TraceQL (Tempo).
    expect(text).toContain('```logql');
    expect(text).toContain('```traceql');
    // Local stack: VictoriaLogs through `gameday logs`, Jaeger through `gameday trace` and `gameday traces`,
    // after the production LogQL they stand for.
    expect(text).toContain('On the local stack (`npm start`)');
    expect(text).toMatch(/npx gameday logs --service [a-z][a-z0-9-]* /);
    expect(text).toContain('npx gameday trace <trace_id>');
    expect(text).toMatch(/npx gameday traces --service [a-z][a-z0-9-]* --errors/);
    expect(text.indexOf('npx gameday logs')).toBeGreaterThan(text.indexOf('```logql'));
  });
});
