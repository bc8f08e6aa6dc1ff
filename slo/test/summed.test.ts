import { generateFromSpecs } from '../src';
import { countedQuery, exactIncrease } from '../src/rules/sli-queries';

// Which SLIs are summed from the period group's increments, and what the rules say when one cannot be.

describe('countedQuery: a ratio query as counted increments', () => {
  const inc = (sel: string): string => `(${exactIncrease(sel, '2m')})`;

  it('replaces rate() and increase() of a counter over the window with its exact increase', () => {
    expect(countedQuery('sum(rate(jobs_total{job="x",result="failed"}[{{window}}]))', '2m')).toBe(
      `sum(${inc('jobs_total{job="x",result="failed"}')})`,
    );
    expect(countedQuery('sum(increase(jobs_total[ {{.window}} ]))', '2m')).toBe(`sum(${inc('jobs_total')})`);
  });

  it('handles braces and quotes inside label values and several counters in one query', () => {
    const sel = 'a_total{path=~"/x/\\\\{id\\\\}",note="say \\"hi\\""}';
    expect(countedQuery(`sum(rate(${sel}[{{window}}])) + sum(rate(b_total[{{window}}]))`, '2m')).toBe(
      `sum(${inc(sel)}) + sum(${inc('b_total')})`,
    );
  });

  it('gives up when the window is used any other way', () => {
    expect(countedQuery('avg_over_time(probe_success{job="x"}[{{window}}])', '2m')).toBeUndefined();
    expect(countedQuery('sum(irate(jobs_total[{{window}}]))', '2m')).toBeUndefined();
  });
});

describe('an SLI whose queries cannot be counted', () => {
  const spec = `version: gameday/v1
service: probe
slos:
  - name: up
    objective: 99
    sli:
      kind: ratio
      good: sum(sum_over_time(probe_success{job="probe"}[{{window}}]))
      total: sum(count_over_time(probe_success{job="probe"}[{{window}}]))
`;
  const result = generateFromSpecs([{ file: 'slo/specs/probe.yaml', text: spec }], { skipTests: true });
  const rules = result.files.find((f) => f.path === 'alerts/generated/probe.slo.rules.yml')!.content;

  it('keeps its raw queries for every window, the period in its own group, and says why', () => {
    expect(rules).not.toContain('slo:sli_bad:increase');
    expect(rules).toContain('sum(count_over_time(probe_success{job="probe"}[30d]))');
    expect(rules).toContain('name: slo-probe-up-period');
    expect(result.warnings).toEqual([
      expect.stringContaining(
        'slo/specs/probe.yaml: "probe/up" reads its raw queries over the whole 30d period at every evaluation',
      ),
    ]);
  });
});

describe('the period interval', () => {
  const spec = `version: gameday/v1
service: x
slos:
  - name: availability
    objective: 99.9
    sli: { kind: http-availability }
`;
  it('names the increments and sets the group interval', () => {
    const files = generateFromSpecs([{ file: 'slo/specs/x.yaml', text: spec }], {
      periodInterval: '30s',
    }).files;
    const rules = files.find((f) => f.path === 'alerts/generated/x.slo.rules.yml')!.content;
    expect(rules).toContain('interval: 30s');
    expect(rules).toContain('- record: slo:sli_bad:increase30s');
    expect(rules).toContain('offset 30s');
  });

  it.each(['5m', '10m', '0s', 'soon'])(
    'refuses %s: the budget series would go stale between evaluations',
    (interval) => {
      expect(() =>
        generateFromSpecs([{ file: 'slo/specs/x.yaml', text: spec }], { periodInterval: interval }),
      ).toThrow(`periodInterval ${interval} must be a duration like 2m, under Prometheus's 5m lookback`);
    },
  );

  it('refuses two SLOs whose groups would share a name', () => {
    const clash = `${spec}  - name: availability-period\n    objective: 99\n    sli: { kind: http-availability }\n`;
    expect(() => generateFromSpecs([{ file: 'slo/specs/x.yaml', text: clash }])).toThrow(
      'two rule groups would be named slo-x-availability-period: rename one of the SLOs',
    );
  });
});
