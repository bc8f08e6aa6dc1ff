// Plain-language wording of an SLO, shared by alert annotations and runbooks.
import type { Slo } from './model';
import { DEFAULT_GRAFANA_URL, DEFAULT_RUNBOOK_BASE_URL, paths } from './naming';

export function scopeOf(slo: Slo): string {
  const { sli } = slo;
  if (sli.kind === 'ratio') return slo.service;
  const methods = sli.methods.length > 0 ? `${sli.methods.join('|')} ` : '';
  const routes = sli.routes.length > 0 ? sli.routes.join(', ') : '';
  const allRoutes =
    sli.excludeRoutes.length > 0 ? `all routes but ${sli.excludeRoutes.join(', ')}` : 'all routes';
  if (routes === '' && methods === '') {
    return sli.excludeRoutes.length > 0 ? `${slo.service} (${allRoutes})` : slo.service;
  }
  return `${methods}${routes || allRoutes} on ${slo.service}`;
}

/** What a bad event is, completing "the share of ...". */
export function badEventsOf(slo: Slo): string {
  const { sli } = slo;
  switch (sli.kind) {
    case 'http-availability':
      return `requests to ${scopeOf(slo)} answered with a 5xx (4xx and 429 do not count)`;
    case 'http-latency':
      return `requests to ${scopeOf(slo)} slower than ${formatSeconds(sli.threshold)}`;
    case 'ratio':
      return `bad events of the ${slo.service}/${slo.name} SLI`;
  }
}

export function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)}ms` : `${seconds}s`;
}

export interface Links {
  /** Base the runbook path is appended to; default DEFAULT_RUNBOOK_BASE_URL. */
  runbookBaseUrl: string;
  /** Grafana root; default DEFAULT_GRAFANA_URL. */
  grafanaUrl: string;
}

export const defaultLinks: Links = {
  runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
  grafanaUrl: DEFAULT_GRAFANA_URL,
};

export function runbookUrl(slo: Slo, links: Links): string {
  return `${links.runbookBaseUrl.replace(/\/+$/, '')}/${paths.runbookFile(slo.service, slo.name)}`;
}

export function dashboardUrl(slo: Slo, links: Links): string {
  return `${links.grafanaUrl.replace(/\/+$/, '')}/d/slo-${slo.service}?var-slo_name=${encodeURIComponent(slo.name)}`;
}
