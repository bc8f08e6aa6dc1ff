import { DEFAULT_PERIOD, type Period, type Slo } from '../model';

/** OpenSLO has no field for these; annotations carry them without breaking other OpenSLO tools. */
export const OPENSLO_ANNOTATIONS = {
  minRequestsPerSecond: 'gameday.dev/min-requests-per-second',
  testGoodSeries: 'gameday.dev/test-good-series',
  testBadSeries: 'gameday.dev/test-bad-series',
} as const;

interface Query {
  metricSource: { spec: { query: string } };
}

/** Maps a schema-checked OpenSLO v1 `SLO` document (ratioMetric, Occurrences, rolling window) onto the model. */
export function openSloToSlo(doc: Record<string, unknown>, file: string): Slo {
  const metadata = doc.metadata as {
    name: string;
    displayName?: string;
    annotations?: Record<string, string>;
  };
  const spec = doc.spec as {
    description?: string;
    service: string;
    indicator: { spec: { ratioMetric: { good?: Query; bad?: Query; total: Query } } };
    timeWindow: Array<{ duration: Period }>;
    objectives: Array<{ target?: number; targetPercent?: number }>;
  };
  const annotations = metadata.annotations ?? {};
  const ratio = spec.indicator.spec.ratioMetric;
  const objective = spec.objectives[0]!;
  const guard = annotations[OPENSLO_ANNOTATIONS.minRequestsPerSecond];
  const good = annotations[OPENSLO_ANNOTATIONS.testGoodSeries];
  const bad = annotations[OPENSLO_ANNOTATIONS.testBadSeries];
  return {
    service: spec.service,
    name: metadata.name,
    description: spec.description ?? metadata.displayName ?? '',
    objective:
      objective.targetPercent ??
      (objective.target !== undefined ? Number((objective.target * 100).toPrecision(12)) : NaN),
    period: spec.timeWindow[0]?.duration ?? DEFAULT_PERIOD,
    ...(guard !== undefined ? { minRequestsPerSecond: Number(guard) } : {}),
    sli: {
      kind: 'ratio',
      total: ratio.total.metricSource.spec.query,
      ...(ratio.good ? { good: ratio.good.metricSource.spec.query } : {}),
      ...(ratio.bad ? { bad: ratio.bad.metricSource.spec.query } : {}),
      ...(good !== undefined && bad !== undefined ? { testSeries: { good, bad } } : {}),
    },
    source: file,
  };
}
