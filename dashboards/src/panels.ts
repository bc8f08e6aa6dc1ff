// Small factories, one per panel kind, over the Grafana Foundation SDK builders. Every dashboard is
// written with these, so shared choices (datasources, legends, tooltips, thresholds, sizes) live in
// one place (defaults.ts) and a board reads as a list of panels.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { COLORS, SIZE } from './defaults';
import { DATASOURCE } from './naming';

// ---- queries -------------------------------------------------------------------------------

export interface PromOptions {
  legend?: string;
  /** One value per series at the end of the range (stat, table). */
  instant?: boolean;
  /** Show exemplars (sampled requests' trace ids, linked to Tempo). */
  exemplar?: boolean;
  format?: 'table' | 'time_series';
  interval?: string;
}

export function prom(expr: string, options: PromOptions = {}): prometheus.DataqueryBuilder {
  const q = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE.prometheus)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(options.legend ?? '__auto');
  if (options.instant) q.instant();
  else q.range();
  if (options.exemplar) q.exemplar(true);
  if (options.format === 'table') q.format(prometheus.PromQueryFormat.Table);
  if (options.interval) q.interval(options.interval);
  return q;
}

export function logql(
  expr: string,
  options: { legend?: string; maxLines?: number } = {},
): loki.DataqueryBuilder {
  const q = new loki.DataqueryBuilder()
    .datasource(DATASOURCE.loki)
    .editorMode(loki.QueryEditorMode.Code)
    .expr(expr)
    .queryType('range');
  if (options.legend) q.legendFormat(options.legend);
  if (options.maxLines) q.maxLines(options.maxLines);
  return q;
}

export function traceql(query: string, limit = 20): tempo.DataqueryBuilder {
  return new tempo.DataqueryBuilder()
    .datasource(DATASOURCE.tempo)
    .queryType('traceql')
    .query(query)
    .limit(limit)
    .tableType(tempo.SearchTableType.Traces);
}

type Query = cog.Builder<cog.Dataquery>;

// ---- panels --------------------------------------------------------------------------------

interface Base {
  title: string;
  description: string;
  /** Width in grid columns (24 = full width). */
  w?: number;
  h?: number;
  /** Panel links (another dashboard, a runbook). */
  links?: Array<{ title: string; url: string }>;
}

export interface Threshold {
  value: number;
  color: string;
}

interface FieldOptions {
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  /** Steps above the base colour (green unless `baseColor`). */
  thresholds?: Threshold[];
  baseColor?: string;
  /** Series links: the URL may use ${__field.labels.x} and ${__value.raw}. */
  dataLinks?: Array<{ title: string; url: string }>;
}

function thresholds(o: FieldOptions): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([
      { value: null, color: o.baseColor ?? COLORS.ok },
      ...(o.thresholds ?? []).map((t) => ({ value: t.value, color: t.color })),
    ]);
}

/** Field settings every panel builder shares (the SDK gives each kind the same methods). */
interface FieldBuilder {
  unit(unit: string): unknown;
  min(min: number): unknown;
  max(max: number): unknown;
  decimals(decimals: number): unknown;
  thresholds(t: cog.Builder<dashboard.ThresholdsConfig>): unknown;
  dataLinks(links: cog.Builder<dashboard.DashboardLink>[]): unknown;
  links(links: cog.Builder<dashboard.DashboardLink>[]): unknown;
  title(t: string): unknown;
  description(d: string): unknown;
  span(w: number): unknown;
  height(h: number): unknown;
  withTarget(q: Query): unknown;
  datasource(ds: common.DataSourceRef): unknown;
}

function apply<T extends FieldBuilder>(b: T, o: Base & FieldOptions, queries: Query[], h: number): T {
  b.title(o.title);
  b.description(o.description);
  b.span(o.w ?? SIZE.half);
  b.height(o.h ?? h);
  if (o.unit) b.unit(o.unit);
  if (o.min !== undefined) b.min(o.min);
  if (o.max !== undefined) b.max(o.max);
  if (o.decimals !== undefined) b.decimals(o.decimals);
  b.thresholds(thresholds(o));
  if (o.dataLinks) {
    b.dataLinks(o.dataLinks.map((l) => link(l.title, l.url)));
  }
  if (o.links) b.links(o.links.map((l) => link(l.title, l.url)));
  const ds = (queries[0]?.build() as { datasource?: common.DataSourceRef } | undefined)?.datasource;
  if (ds) b.datasource(ds);
  queries.forEach((q, i) => {
    // refIds A, B, C ... in order; the SDK leaves them to us.
    (q as { refId?: (id: string) => unknown }).refId?.(String.fromCharCode(65 + i));
    b.withTarget(q);
  });
  return b;
}

/** A link to another dashboard (or page), keeping the time range. */
export function link(title: string, url: string, tooltip = title): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title)
    .type(dashboard.DashboardLinkType.Link)
    .url(url)
    .icon('dashboard')
    .tooltip(tooltip)
    .keepTime(true)
    .includeVars(false)
    .targetBlank(false)
    .asDropdown(false);
}

export interface TimeseriesOptions extends Base, FieldOptions {
  queries: Query[];
  /** Draw the thresholds as dashed lines (burn-rate factors, budgets). */
  thresholdLines?: boolean;
  stack?: boolean;
  /** Bars instead of lines (counts per interval). */
  bars?: boolean;
  legendCalcs?: string[];
}

export function timeseriesPanel(o: TimeseriesOptions): timeseries.PanelBuilder {
  const b = apply(new timeseries.PanelBuilder(), o, o.queries, SIZE.height);
  b.lineWidth(1)
    .fillOpacity(o.stack ? 60 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(o.legendCalcs ? common.LegendDisplayMode.Table : common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(o.legendCalcs ?? []),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        o.thresholdLines ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off,
      ),
    );
  if (o.stack) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (o.bars) b.drawStyle(common.GraphDrawStyle.Bars);
  return b;
}

export interface StatOptions extends Base, FieldOptions {
  queries: Query[];
  /** How a series becomes one number: lastNotNull (default), max, mean. */
  reduce?: string;
  /** Colour the background instead of the number. */
  background?: boolean;
  graph?: boolean;
  mappings?: dashboard.ValueMapping[];
}

export function statPanel(o: StatOptions): stat.PanelBuilder {
  const b = apply(new stat.PanelBuilder(), o, o.queries, SIZE.statHeight);
  b.reduceOptions(new common.ReduceDataOptionsBuilder().calcs([o.reduce ?? 'lastNotNull']).values(false))
    .colorMode(o.background ? common.BigValueColorMode.Background : common.BigValueColorMode.Value)
    .graphMode(o.graph ? common.BigValueGraphMode.Area : common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Auto)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .orientation(common.VizOrientation.Auto);
  if (o.mappings) b.mappings(o.mappings);
  return b;
}

export interface TableOptions extends Base, FieldOptions {
  queries: Query[];
  /** Columns to keep, in order, with their headers; others are hidden. */
  columns?: Record<string, string>;
  sortBy?: string;
}

export function tablePanel(o: TableOptions): table.PanelBuilder {
  const b = apply(new table.PanelBuilder(), o, o.queries, SIZE.height);
  b.cellHeight(common.TableCellHeight.Sm).showHeader(true);
  if (o.queries.length > 1) b.withTransformation({ id: 'merge', options: {} });
  if (o.columns) {
    const names = Object.keys(o.columns);
    b.withTransformation({
      id: 'organize',
      options: {
        excludeByName: {},
        includeByName: Object.fromEntries(names.map((n) => [n, true])),
        indexByName: Object.fromEntries(names.map((n, i) => [n, i])),
        renameByName: o.columns,
      },
    });
  }
  if (o.sortBy) b.sortBy([new common.TableSortByFieldStateBuilder().displayName(o.sortBy).desc(true)]);
  return b;
}

export interface LogsOptions extends Base {
  query: loki.DataqueryBuilder;
}

export function logsPanel(o: LogsOptions): logs.PanelBuilder {
  const b = new logs.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .span(o.w ?? SIZE.full)
    .height(o.h ?? SIZE.tallHeight)
    .showTime(true)
    .wrapLogMessage(true)
    .prettifyLogMessage(false)
    .enableLogDetails(true)
    .showCommonLabels(false)
    .showLabels(false)
    .dedupStrategy(common.LogsDedupStrategy.None)
    .sortOrder(common.LogsSortOrder.Descending)
    .datasource(DATASOURCE.loki);
  o.query.refId('A');
  b.withTarget(o.query);
  return b;
}

export interface TracesOptions extends Base {
  query: tempo.DataqueryBuilder;
}

/** A Tempo search as a table of traces (each row opens the trace). */
export function tracesPanel(o: TracesOptions): table.PanelBuilder {
  o.query.refId('A');
  return new table.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .span(o.w ?? SIZE.full)
    .height(o.h ?? SIZE.height)
    .datasource(DATASOURCE.tempo)
    .withTarget(o.query);
}

export interface StateTimelineOptions extends Base, FieldOptions {
  queries: Query[];
  mappings?: dashboard.ValueMapping[];
}

export function stateTimelinePanel(o: StateTimelineOptions): statetimeline.PanelBuilder {
  const b = apply(new statetimeline.PanelBuilder(), o, o.queries, SIZE.height);
  b.showValue(common.VisibilityMode.Never).mergeValues(true).rowHeight(0.8).fillOpacity(70);
  if (o.mappings) b.mappings(o.mappings);
  return b;
}

export function textPanel(o: Base & { markdown: string }): text.PanelBuilder {
  return new text.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .span(o.w ?? SIZE.full)
    .height(o.h ?? SIZE.statHeight)
    .mode(text.TextMode.Markdown)
    .content(o.markdown);
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title).collapsed(false);
}

/** Text for values: e.g. `{ 0: 'mismatch', 1: 'sound' }` with colours. */
export function valueText(
  entries: Array<{ value: string; text: string; color: string }>,
): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: Object.fromEntries(
        entries.map((e, i) => [e.value, { text: e.text, color: e.color, index: i }]),
      ),
    },
  ];
}

// ---- template variables --------------------------------------------------------------------

/** A multi-value variable from Prometheus label values, "All" by default (matching `.+`). */
export function labelValuesVariable(
  name: string,
  label: string,
  metric: string,
  labelName: string,
  refresh = dashboard.VariableRefresh.OnTimeRangeChanged,
): dashboard.QueryVariableBuilder {
  const query = `label_values(${metric}, ${labelName})`;
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE.prometheus)
    .query(query)
    .definition(query)
    .refresh(refresh)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+')
    .current({ text: 'All', value: '$__all', selected: true });
}
