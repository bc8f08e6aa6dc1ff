// Rules a JSON schema cannot express: they need the histogram buckets, the alert windows or PromQL.
import { round } from '../duration';
import type { Slo } from '../model';
import { HISTOGRAM_BUCKETS, HTTP_METRIC, WINDOW_PLACEHOLDER } from '../naming';
import type { PeriodWindows } from '../windows';
import type { PathSegment } from './locate';

export interface SloIssue {
  /** Which part of the SLO the path is relative to. */
  on: 'sli' | 'guard' | 'objective';
  path: PathSegment[];
  message: string;
}

const SIMPLE_SELECTOR = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{\s*([a-zA-Z_][a-zA-Z0-9_]*\s*=\s*"[^"]*"\s*,?\s*)*\})?$/;

export function checkSlo(slo: Slo, windows: PeriodWindows): SloIssue[] {
  const issues: SloIssue[] = [];
  const { sli } = slo;

  if (!(slo.objective > 0 && slo.objective < 100)) {
    issues.push({
      on: 'objective',
      path: [],
      message: 'set an objective between 0 and 100 percent (exclusive)',
    });
  } else {
    // An alert whose threshold needs more than 100% errors can never fire: refuse rather than stay silent.
    const budget = 1 - slo.objective / 100;
    const maxFactor = Math.max(...[...windows.page, ...windows.ticket].map((w) => w.factor));
    if (maxFactor * budget >= 1) {
      const minimum = Math.ceil((1 - 1 / maxFactor) * 10000) / 100;
      issues.push({
        on: 'objective',
        path: [],
        message:
          `${slo.objective}% leaves a ${round(budget * 100, 6)}% error budget: the ${maxFactor}× burn-rate alert ` +
          `would need more than 100% errors and could never fire; use an objective of at least ${minimum}%`,
      });
    }
  }

  if (slo.minRequestsPerSecond !== undefined && !(slo.minRequestsPerSecond > 0)) {
    issues.push({ on: 'guard', path: [], message: 'the minimum request rate must be a positive number' });
  }

  if (sli.kind !== 'ratio' && sli.routes.length > 0 && sli.excludeRoutes.length > 0) {
    issues.push({
      on: 'sli',
      path: ['excludeRoutes'],
      message:
        'give routes or excludeRoutes, not both: routes lists the routes to count, ' +
        'excludeRoutes the routes to leave out of all the others',
    });
  }

  switch (sli.kind) {
    case 'http-latency':
      if (!HISTOGRAM_BUCKETS.includes(sli.threshold)) {
        issues.push({
          on: 'sli',
          path: ['threshold'],
          message:
            `${sli.threshold} is not a bucket boundary of ${HTTP_METRIC}, so the SLI could not count requests ` +
            `faster than it; use one of: ${HISTOGRAM_BUCKETS.join(', ')}`,
        });
      }
      break;
    case 'http-availability':
      break;
    case 'ratio': {
      if ((sli.good === undefined) === (sli.bad === undefined)) {
        issues.push({
          on: 'sli',
          path: [],
          message: `give exactly one of good or bad (with total), got ${sli.good === undefined ? 'neither' : 'both'}`,
        });
      }
      for (const field of ['good', 'bad', 'total'] as const) {
        const query = sli[field];
        if (query !== undefined && query.match(WINDOW_PLACEHOLDER) === null) {
          issues.push({
            on: 'sli',
            path: [field],
            message:
              'has no {{window}} placeholder; write the range as [{{window}}], e.g. sum(rate(metric[{{window}}]))',
          });
        }
      }
      if (sli.testSeries) {
        for (const field of ['good', 'bad', 'total'] as const) {
          const series = sli.testSeries[field];
          if (series !== undefined && !SIMPLE_SELECTOR.test(series.trim())) {
            issues.push({
              on: 'sli',
              path: ['testSeries', field],
              message:
                'must be a counter series like metric{label="value"} (only = matchers) that the tests can feed',
            });
          }
        }
      }
      break;
    }
  }
  return issues;
}
