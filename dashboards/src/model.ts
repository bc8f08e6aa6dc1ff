// What the dashboards are generated from: the service catalogue, the parsed SLO specs and their
// alert windows, and where links point.
import type { ServiceEntry } from '@gameday/telemetry/contract';
import type { Period, PeriodWindows, ServiceSlos, Slo } from '@gameday/slo';

export interface BoardInput {
  services: readonly ServiceEntry[];
  slos: ServiceSlos[];
  windows: Map<Period, PeriodWindows>;
  /** Base of runbook links (the SLO generator's runbook_url base). */
  runbookBaseUrl: string;
}

export function slosOf(input: BoardInput, service: string): Slo[] {
  return input.slos.find((s) => s.service === service)?.slos ?? [];
}

/** A Grafana-relative link to a dashboard, with variables. */
export function dashboardLink(uid: string, vars: Record<string, string> = {}): string {
  const query = Object.entries(vars)
    .map(([k, v]) => `var-${k}=${v}`)
    .join('&');
  return `/d/${uid}${query ? `?${query}` : ''}`;
}
