import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSlos, parseSpec, SpecError, type SpecProblem } from '../src';
import { scratchRoot } from './helpers';

function problemsOf(file: string, text: string): SpecProblem[] {
  try {
    parseSpec({ file, text });
  } catch (err) {
    if (err instanceof SpecError) return err.problems;
    throw err;
  }
  throw new Error('expected the spec to be refused');
}

const spec = (slo: string): string => `version: gameday/v1
service: accounts
slos:
${slo}`;

describe('a spec that cannot be used', () => {
  it('is refused when a latency threshold is not a bucket boundary, with the valid boundaries listed', () => {
    const problems = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: latency
    objective: 99
    sli:
      kind: http-latency
      threshold: 0.3
`),
    );
    expect(problems).toEqual([
      {
        file: 'slo/specs/accounts.yaml',
        path: 'slos[0].sli.threshold',
        line: 8,
        column: 18,
        message:
          '0.3 is not a bucket boundary of http_server_request_duration_seconds, so the SLI could not count ' +
          'requests faster than it; use one of: 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10',
      },
    ]);
  });

  it('is refused when the period is not 7d, 28d or 30d', () => {
    const problems = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: availability
    objective: 99.9
    period: 14d
    sli: { kind: http-availability }
`),
    );
    expect(problems).toEqual([
      {
        file: 'slo/specs/accounts.yaml',
        path: 'slos[0].period',
        line: 6,
        column: 13,
        message: '"14d" is not allowed; use one of: 7d, 28d, 30d',
      },
    ]);
  });

  it('is refused when a required field is missing, pointing at the object that lacks it', () => {
    const problems = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: availability
    sli: { kind: http-availability }
`),
    );
    expect(problems).toEqual([
      {
        file: 'slo/specs/accounts.yaml',
        path: 'slos[0].objective',
        line: 4,
        column: 5,
        message: 'required field is missing',
      },
    ]);
  });

  it('is refused when the SLI kind is unknown, with the known kinds listed', () => {
    const problems = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: availability
    objective: 99.9
    sli:
      kind: http-errors
`),
    );
    expect(problems).toEqual([
      {
        file: 'slo/specs/accounts.yaml',
        path: 'slos[0].sli.kind',
        line: 7,
        column: 13,
        message: '"http-errors" is not allowed; use one of: http-availability, http-latency, ratio',
      },
    ]);
  });

  it('names a misspelt field and the fields allowed where it stands', () => {
    const [problem] = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: availability
    objectiv: 99.9
    objective: 99.9
    sli: { kind: http-availability }
`),
    );
    expect(problem!.path).toBe('slos[0].objectiv');
    expect(problem!.message).toBe(
      'unknown field; allowed here: name, description, objective, period, sli, lowTrafficGuard',
    );
  });

  it('refuses a field that does not apply to the SLI kind', () => {
    const [problem] = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: availability
    objective: 99.9
    sli: { kind: http-availability, threshold: 0.25 }
`),
    );
    expect(problem).toMatchObject({
      path: 'slos[0].sli.threshold',
      message:
        'does not apply to kind http-availability; fields for it: kind, routes, excludeRoutes, methods',
    });
  });

  it('refuses routes and excludeRoutes together', () => {
    const [problem] = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: latency
    objective: 99
    sli:
      kind: http-latency
      threshold: 0.25
      routes: [/api/v1/players/me]
      excludeRoutes: [/api/v1/players/login]
`),
    );
    expect(problem).toMatchObject({
      path: 'slos[0].sli.excludeRoutes',
      line: 10,
      message:
        'give routes or excludeRoutes, not both: routes lists the routes to count, ' +
        'excludeRoutes the routes to leave out of all the others',
    });
  });

  it('refuses a ratio query without the {{window}} placeholder', () => {
    const [problem] = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: jobs
    objective: 99
    sli:
      kind: ratio
      bad: sum(rate(jobs_failed_total[5m]))
      total: sum(rate(jobs_total[{{window}}]))
`),
    );
    expect(problem).toMatchObject({ path: 'slos[0].sli.bad', line: 8 });
    expect(problem!.message).toMatch(/^has no \{\{window\}\} placeholder/);
  });

  it('refuses an objective so low that no burn-rate alert could ever fire', () => {
    const [problem] = problemsOf(
      'slo/specs/accounts.yaml',
      spec(`  - name: availability
    objective: 90
    sli: { kind: http-availability }
`),
    );
    expect(problem).toMatchObject({ path: 'slos[0].objective' });
    expect(problem!.message).toContain('use an objective of at least 93.06%');
  });

  it('refuses a spec whose service does not match its file name', () => {
    const [problem] = problemsOf(
      'slo/specs/account.yaml',
      spec(`  - { name: a, objective: 99, sli: { kind: http-availability } }\n`),
    );
    expect(problem).toMatchObject({
      path: 'service',
      line: 2,
      message: 'service "accounts" does not match the file name; a service\'s SLOs live in accounts.yaml',
    });
  });

  it('refuses OpenSLO documents it cannot honour, such as Timeslices budgeting', () => {
    const problems = problemsOf(
      'slo/specs/payments.yaml',
      `apiVersion: openslo/v1
kind: SLO
metadata: { name: capture }
spec:
  service: payments
  indicator:
    spec:
      ratioMetric:
        good: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(ok[{{window}}]))' } } }
        total: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(all[{{window}}]))' } } }
  timeWindow: [{ duration: 30d, isRolling: true }]
  budgetingMethod: Timeslices
  objectives: [{ target: 0.999 }]
`,
    );
    expect(problems).toEqual([
      {
        file: 'slo/specs/payments.yaml',
        path: 'spec.budgetingMethod',
        line: 12,
        column: 20,
        message: 'must be "Occurrences", got "Timeslices"',
      },
    ]);
  });

  it('reports invalid YAML with its line', () => {
    const [problem] = problemsOf('slo/specs/accounts.yaml', 'version: gameday/v1\nservice: [accounts\n');
    expect(problem).toMatchObject({ file: 'slo/specs/accounts.yaml', line: 3 });
    expect(problem!.message).toMatch(/^invalid YAML: /);
  });

  it('formats every problem as file:line:column: path: what is wrong', () => {
    const error = (() => {
      try {
        parseSpec({
          file: 'slo/specs/accounts.yaml',
          text: spec(`  - { name: x, objective: 99, period: 1d, sli: { kind: http-availability } }\n`),
        });
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBe(
      'slo/specs/accounts.yaml:4:39: slos[0].period: "1d" is not allowed; use one of: 7d, 28d, 30d',
    );
  });

  it('writes nothing at all, not even for the valid specs beside it', () => {
    const root = scratchRoot();
    writeFileSync(
      join(root, 'slo', 'specs', 'broken.yaml'),
      'version: gameday/v1\nservice: broken\nslos:\n  - { name: x, objective: 99, sli: { kind: http-latency, threshold: 0.3 } }\n',
    );
    expect(() => generateSlos({ rootDir: root, env: {} })).toThrow(
      /slo\/specs\/broken\.yaml:4:\d+: slos\[0\]\.sli\.threshold: 0\.3 is not a bucket boundary/,
    );
    expect(existsSync(join(root, 'alerts'))).toBe(false);
    expect(existsSync(join(root, 'argocd'))).toBe(false);
    expect(existsSync(join(root, 'runbooks'))).toBe(false);
    expect(readdirSync(root)).toEqual(['slo']);
  });
});
