import { durationSeconds, humanDuration } from '../duration';
import { badEventsOf, dashboardUrl, runbookUrl, scopeOf, type Links } from '../describe';
import type { Slo } from '../model';
import { ALERT_NAME, record, SEVERITY_LABEL, sloId, type Severity } from '../naming';
import type { AlertWindow, PeriodWindows } from '../windows';
import { errorBudget, selectorOf, sloLabels } from './labels';
import type { AlertingRule } from './types';

/**
 * Multi-window, multi-burn-rate alerts (SRE workbook): `critical` pages, `warning` opens a ticket.
 * No `for:` — the long window already filters blips, and a `for:` would only delay detection.
 */
export function alertRules(slo: Slo, windows: PeriodWindows, links: Links): AlertingRule[] {
  return [alertRule(slo, 'critical', windows.page, links), alertRule(slo, 'warning', windows.ticket, links)];
}

function alertRule(slo: Slo, severity: Severity, pairs: AlertWindow[], links: Links): AlertingRule {
  const sel = selectorOf(slo);
  const budget = errorBudget(slo);
  // The guard applies to pages only: a slow burn at low traffic is still worth a ticket.
  const guard = severity === 'critical' ? slo.minRequestsPerSecond : undefined;
  const conditions = pairs.map((w) => {
    const threshold = `(${w.factor} * ${budget})`;
    const lines = [
      `${record.sliError(w.shortWindow)}${sel} > ${threshold}`,
      'and',
      `${record.sliError(w.longWindow)}${sel} > ${threshold}`,
    ];
    if (guard !== undefined) lines.push('and', `${record.sliTotal(w.longWindow)}${sel} >= ${guard}`);
    return `(\n  ${lines.join('\n  ')}\n)`;
  });

  const id = sloId(slo.service, slo.name);
  const how = pairs
    .map(
      (w) =>
        `more than ${w.factor}× the budget rate over both ${w.shortWindow} and ${w.longWindow} ` +
        `(the budget would last ${humanDuration(durationSeconds(slo.period) / w.factor)})`,
    )
    .join(', or ');
  // The guard counts the SLO's own events (slo:sli_total), not the service's whole traffic.
  const guardText =
    guard === undefined
      ? ''
      : slo.sli.kind === 'ratio'
        ? ` It does not page while this SLI counts fewer than ${guard} events per second.`
        : ` It does not page while ${scopeOf(slo)} gets fewer than ${guard} requests per second (the requests this SLO counts).`;
  return {
    alert: ALERT_NAME,
    expr: conditions.join('\nor\n'),
    labels: { [SEVERITY_LABEL]: severity, ...sloLabels(slo) },
    annotations: {
      summary:
        severity === 'critical'
          ? `${id} is burning its ${slo.period} error budget fast: page`
          : `${id} is burning its ${slo.period} error budget steadily: ticket`,
      description:
        `{{ $value | humanizePercentage }} of ${badEventsOf(slo)} over the short window; the objective ` +
        `${slo.objective}% over ${slo.period} allows ${Number((budget * 100).toPrecision(6))}%. ` +
        `Fires on ${how}.${guardText}`,
      runbook_url: runbookUrl(slo, links),
      dashboard_url: dashboardUrl(slo, links),
    },
  };
}
