// The game-day dashboard (uid gameday): chaos experiments over time with their verdicts, the error
// budget each one consumed, and how fast the alerts detected it and the service recovered. The
// controller reports every finished run (gameday_chaos_experiment_*).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '@gameday/telemetry/contract';
import { board } from '../board';
import { COLORS, SIZE } from '../defaults';
import { UID } from '../naming';
import {
  labelValuesVariable,
  prom,
  row,
  stateTimelinePanel,
  statPanel,
  tablePanel,
  timeseriesPanel,
  valueText,
} from '../panels';

export function gamedayBoard(): dashboard.DashboardBuilder {
  const b = board({
    uid: UID.gameday,
    title: 'gameday / game days',
    description:
      'Chaos experiments: when each fault was injected, each run’s verdict, the error budget it consumed, and detection and recovery times. `gameday chaos run` and `npm run gameday` report here.',
    tags: ['chaos', 'gameday'],
  });
  b.time({ from: 'now-24h', to: 'now' });
  const exp = 'experiment=~"$experiment"';
  b.withVariable(labelValuesVariable('experiment', 'Experiment', METRICS.chaosLastRun, 'experiment'));

  b.withRow(row('Runs'))
    .withPanel(
      statPanel({
        title: 'Runs',
        description: 'Experiment runs that finished in the time range.',
        w: SIZE.quarter,
        baseColor: COLORS.info,
        queries: [
          prom(`sum(increase(${METRICS.chaosRuns}{${exp}}[$__range]))`, { instant: true, legend: 'runs' }),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Passed',
        description: 'Runs whose hypothesis held (the SLOs behaved as the experiment said they would).',
        w: SIZE.quarter,
        queries: [
          prom(`sum(increase(${METRICS.chaosRuns}{${exp},verdict="passed"}[$__range]))`, {
            instant: true,
            legend: 'passed',
          }),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Failed',
        description: 'Runs whose hypothesis broke: a weakness found. Read its report.',
        w: SIZE.quarter,
        thresholds: [{ value: 1, color: COLORS.bad }],
        queries: [
          prom(`sum(increase(${METRICS.chaosRuns}{${exp},verdict="failed"}[$__range]))`, {
            instant: true,
            legend: 'failed',
          }),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Could not run',
        description: 'Runs refused (the budget was already burning), interrupted, or that hit an error.',
        w: SIZE.quarter,
        thresholds: [{ value: 1, color: COLORS.warn }],
        queries: [
          prom(`sum(increase(${METRICS.chaosRuns}{${exp},verdict=~"refused|error|interrupted"}[$__range]))`, {
            instant: true,
            legend: 'could not run',
          }),
        ],
      }),
    )
    .withPanel(
      stateTimelinePanel({
        title: 'Faults injected',
        description: 'When each experiment had its fault injected.',
        w: SIZE.full,
        queries: [
          prom(`max by (experiment, fault) (${METRICS.chaosExperimentActive}{${exp}})`, {
            legend: '{{experiment}} ({{fault}})',
          }),
        ],
        mappings: valueText([
          { value: '0', text: 'off', color: 'transparent' },
          { value: '1', text: 'injected', color: 'purple' },
        ]),
      }),
    )
    .withPanel(
      tablePanel({
        title: 'Last run of each experiment',
        description:
          'Verdict, error budget consumed (largest share of a target SLO’s period budget), highest burn rate, detection time (injection to first SLO alert) and recovery time (removal to SLIs back within objective).',
        w: SIZE.full,
        columns: {
          experiment: 'experiment',
          verdict: 'verdict',
          'Value #B': 'budget consumed',
          'Value #C': 'max burn rate',
          'Value #D': 'detection (s)',
          'Value #E': 'recovery (s)',
          'Value #F': 'ended',
        },
        queries: [
          prom(`${METRICS.chaosVerdict}{${exp}} == 1`, { instant: true, format: 'table' }),
          prom(`${METRICS.chaosBudgetConsumed}{${exp}}`, { instant: true, format: 'table' }),
          prom(`${METRICS.chaosMaxBurnRate}{${exp}}`, { instant: true, format: 'table' }),
          prom(`${METRICS.chaosDetection}{${exp}}`, { instant: true, format: 'table' }),
          prom(`${METRICS.chaosRecovery}{${exp}}`, { instant: true, format: 'table' }),
          prom(`${METRICS.chaosLastRun}{${exp}} * 1000`, { instant: true, format: 'table' }),
        ],
      })
        .overrideByName('budget consumed', [{ id: 'unit', value: 'percentunit' }])
        .overrideByName('ended', [{ id: 'unit', value: 'dateTimeAsIso' }])
        .overrideByName('verdict', [
          {
            id: 'mappings',
            value: valueText([
              { value: 'passed', text: 'passed', color: COLORS.ok },
              { value: 'failed', text: 'FAILED', color: COLORS.bad },
            ]),
          },
          { id: 'custom.cellOptions', value: { type: 'color-text' } },
        ]),
    );

  b.withRow(row('Measurements'))
    .withPanel(
      timeseriesPanel({
        title: 'Error budget consumed per run',
        description: 'Share of a target SLO’s period budget each run spent, at the time it ended.',
        w: SIZE.third,
        unit: 'percentunit',
        min: 0,
        bars: true,
        queries: [prom(`${METRICS.chaosBudgetConsumed}{${exp}}`, { legend: '{{experiment}}' })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Detection time',
        description: 'Seconds from injection until the first SLO alert of the target fired.',
        w: SIZE.third,
        unit: 's',
        min: 0,
        queries: [prom(`${METRICS.chaosDetection}{${exp}}`, { legend: '{{experiment}}' })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Recovery time',
        description: 'Seconds from fault removal until every target SLI met its objective again.',
        w: SIZE.third,
        unit: 's',
        min: 0,
        queries: [prom(`${METRICS.chaosRecovery}{${exp}}`, { legend: '{{experiment}}' })],
      }),
    );
  return b;
}
