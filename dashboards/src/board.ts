// Every dashboard starts here: time range, refresh, the link bar to the other gameday dashboards,
// the DO NOT EDIT note and the chaos-experiment annotations.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '@gameday/telemetry/contract';
import { DATASOURCE, GENERATED_NOTE, TAG } from './naming';
import { prom } from './panels';

/** A region on every time series while a chaos experiment has its fault injected. */
function chaosAnnotation(): dashboard.AnnotationQueryBuilder {
  return (
    new dashboard.AnnotationQueryBuilder()
      .name('Chaos experiments')
      .datasource(DATASOURCE.prometheus)
      .enable(true)
      .hide(false)
      .iconColor('purple')
      // max_over_time: a fault shorter than the step still shows.
      .target(
        prom(`max by (experiment, fault) (max_over_time(${METRICS.chaosExperimentActive}[20s])) > 0`).refId(
          'Anno',
        ),
      )
      .step('10s')
      .titleFormat('chaos: {{experiment}}')
      .textFormat('fault {{fault}} injected')
      .tagKeys('experiment,fault')
      .useValueForTime(false)
  );
}

/** Grafana's own annotations with the tags the chaos controller posts (when GRAFANA_URL is set). */
function grafanaChaosAnnotation(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Chaos (Grafana annotations)')
    .datasource({ type: 'grafana', uid: '-- Grafana --' })
    .enable(true)
    .hide(false)
    .iconColor('purple')
    .target({
      build: () =>
        ({
          refId: 'Anno',
          type: 'tags',
          tags: [TAG, 'chaos'],
          limit: 100,
          matchAny: false,
        }) as never,
    });
}

export interface BoardOptions {
  uid: string;
  title: string;
  description: string;
  tags: string[];
}

/** A dashboard with the shared defaults; panels are added by the caller. */
export function board(o: BoardOptions): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(o.title)
    .uid(o.uid)
    .description(`${o.description}\n\n${GENERATED_NOTE}`)
    .tags([TAG, ...o.tags])
    .editable()
    .timezone('browser')
    .time({ from: 'now-3h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('gameday')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([TAG])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true)
        .targetBlank(false)
        .icon('external link')
        .tooltip('Every gameday dashboard'),
    )
    .annotation(chaosAnnotation())
    .annotation(grafanaChaosAnnotation());
}
