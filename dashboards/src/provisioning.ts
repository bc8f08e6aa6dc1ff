// Grafana provisioning: the three datasources with the uids every panel names (ARCHITECTURE.md §3b), linked
// to each other (exemplars and log lines → Tempo traces; spans → Loki logs and Prometheus metrics),
// and the file provider that loads the generated dashboards. The same, as ConfigMaps for
// kube-prometheus-stack's Grafana sidecars, under argocd/dashboards.
import { stringify } from 'yaml';
import {
  EXEMPLAR_TRACE_LABEL,
  HTTP_DURATION_METRIC,
  LOG_SERVICE_LABEL,
  SERVICE_JOB_LABEL,
} from '@gameday/telemetry/contract';
import { DATASOURCE, GENERATED_HEADER, MONITORING_NAMESPACE, paths, SIDECAR_LABEL, TAG } from './naming';

/** In-cluster addresses (kube-prometheus-stack, Loki and Tempo charts in `monitoring`). */
export const BACKEND_URLS = {
  prometheus: `http://kube-prometheus-stack-prometheus.${MONITORING_NAMESPACE}.svc:9090`,
  loki: `http://loki-gateway.${MONITORING_NAMESPACE}.svc`,
  tempo: `http://tempo.${MONITORING_NAMESPACE}.svc:3200`,
} as const;

/** Grafana expands $VAR in provisioning files: `$$` keeps a literal `$` for its own ${__…} macros. */
const macro = (name: string): string => `$\${${name}}`;

export function datasources(urls: Record<keyof typeof BACKEND_URLS, string> = BACKEND_URLS) {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: DATASOURCE.prometheus.uid,
        type: DATASOURCE.prometheus.type,
        access: 'proxy',
        url: urls.prometheus,
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: 'POST',
          timeInterval: '30s',
          // Exemplars on the HTTP histogram carry the request's trace id: a click opens it in Tempo.
          exemplarTraceIdDestinations: [{ name: EXEMPLAR_TRACE_LABEL, datasourceUid: DATASOURCE.tempo.uid }],
        },
      },
      {
        name: 'Loki',
        uid: DATASOURCE.loki.uid,
        type: DATASOURCE.loki.type,
        access: 'proxy',
        url: urls.loki,
        editable: false,
        jsonData: {
          maxLines: 1000,
          // Every JSON log line written inside a span has "trace_id": link it to the trace.
          derivedFields: [
            {
              name: EXEMPLAR_TRACE_LABEL,
              matcherType: 'regex',
              matcherRegex: `"${EXEMPLAR_TRACE_LABEL}":"(\\w+)"`,
              datasourceUid: DATASOURCE.tempo.uid,
              url: macro('__value.raw'),
              urlDisplayLabel: 'Open the trace',
            },
          ],
        },
      },
      {
        name: 'Tempo',
        uid: DATASOURCE.tempo.uid,
        type: DATASOURCE.tempo.type,
        access: 'proxy',
        url: urls.tempo,
        editable: false,
        jsonData: {
          tracesToLogsV2: {
            datasourceUid: DATASOURCE.loki.uid,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            filterByTraceID: true,
            filterBySpanID: false,
            customQuery: true,
            query: `{${LOG_SERVICE_LABEL}="${macro('__span.tags["service.name"]')}"} | json | ${EXEMPLAR_TRACE_LABEL}="${macro('__trace.traceId')}"`,
          },
          tracesToMetrics: {
            datasourceUid: DATASOURCE.prometheus.uid,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            tags: [{ key: 'service.name', value: SERVICE_JOB_LABEL }],
            queries: [
              {
                name: 'Request rate',
                query: `sum(rate(${HTTP_DURATION_METRIC}_count{${macro('__tags')}}[5m]))`,
              },
              {
                name: 'p99 latency',
                query: `histogram_quantile(0.99, sum by (le) (rate(${HTTP_DURATION_METRIC}_bucket{${macro('__tags')}}[5m])))`,
              },
            ],
          },
          // Tempo's metrics generator writes the service graph to Prometheus.
          serviceMap: { datasourceUid: DATASOURCE.prometheus.uid },
          nodeGraph: { enabled: true },
          lokiSearch: { datasourceUid: DATASOURCE.loki.uid },
          search: { hide: false },
          traceQuery: { timeShiftEnabled: true, spanStartTimeShift: '-30m', spanEndTimeShift: '30m' },
        },
      },
    ],
  };
}

export function dashboardProvider() {
  return {
    apiVersion: 1,
    providers: [
      {
        name: TAG,
        orgId: 1,
        folder: TAG,
        folderUid: TAG,
        type: 'file',
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: paths.providerPath, foldersFromFilesStructure: false },
      },
    ],
  };
}

const yaml = (doc: unknown): string => stringify(doc, { lineWidth: 0 });

export function renderDatasources(): string {
  return `${GENERATED_HEADER}
# Grafana datasources of gameday with the uids the dashboards name (prometheus, loki, tempo).
# Copy to /etc/grafana/provisioning/datasources/ and set the URLs to your backends.
${yaml(datasources())}`;
}

export function renderProvider(): string {
  return `${GENERATED_HEADER}
# Loads dashboards/generated/*.json: copy this file to /etc/grafana/provisioning/dashboards/ and the
# JSON files to ${paths.providerPath}/.
${yaml(dashboardProvider())}`;
}

const labels = { 'app.kubernetes.io/part-of': 'gameday', 'app.kubernetes.io/component': 'dashboards' };

/** A dashboard as a ConfigMap for the sidecar (it writes data keys to files Grafana provisions). */
export function renderDashboardConfigMap(uid: string, json: string): string {
  return `${GENERATED_HEADER}
${yaml({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: `gameday-dashboard-${uid}`,
    namespace: MONITORING_NAMESPACE,
    labels: { [SIDECAR_LABEL.dashboards]: '1', ...labels },
    // kube-prometheus-stack: grafana.sidecar.dashboards.folderAnnotation=grafana_folder
    annotations: { grafana_folder: TAG },
  },
  data: { [`${uid}.json`]: json },
})}`;
}

export function renderDatasourcesConfigMap(): string {
  return `${GENERATED_HEADER}
${yaml({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'gameday-datasources',
    namespace: MONITORING_NAMESPACE,
    labels: { [SIDECAR_LABEL.datasources]: '1', ...labels },
  },
  data: { 'gameday-datasources.yaml': yaml(datasources()) },
})}`;
}

export function renderKustomization(uids: string[]): string {
  const files = [paths.datasourcesConfigMapFile, ...uids.map((u) => paths.configMapFile(u))].map((f) =>
    f.slice(paths.configMapDir.length + 1),
  );
  return `${GENERATED_HEADER}
${yaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files })}`;
}
