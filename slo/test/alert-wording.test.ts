// What an alert says must be what it does: the low-traffic guard counts the SLO's own requests
// (slo:sli_total of its selection), so the description names those, not the service's traffic.
import { generateFromSpecs } from '../src';

const spec = `version: gameday/v1
service: accounts
slos:
  - name: login-availability
    objective: 99.9
    sli: { kind: http-availability, routes: [/api/v1/players/login], methods: [POST] }
    lowTrafficGuard: { minRequestsPerSecond: 0.05 }
  - name: jobs
    objective: 99
    sli:
      kind: ratio
      bad: sum(rate(gameday_jobs_total{job="accounts",outcome="failed"}[{{window}}]))
      total: sum(rate(gameday_jobs_total{job="accounts"}[{{window}}]))
    lowTrafficGuard: { minRequestsPerSecond: 0.1 }
`;

const rules = generateFromSpecs([{ file: 'slo/specs/accounts.yaml', text: spec }], {
  skipTests: true,
}).files.find((f) => f.path === 'alerts/generated/accounts.slo.rules.yml')!.content;

describe('the low-traffic guard, as the page describes it', () => {
  it('names the requests the SLO counts (its routes), which is what the guard compares', () => {
    expect(rules).toContain(
      'It does not page while POST /api/v1/players/login on accounts gets fewer than 0.05 requests per second (the requests this SLO counts).',
    );
    expect(rules).toContain(
      'slo:sli_total:rate1h{slo_service="accounts",slo_name="login-availability"} >= 0.05',
    );
    expect(rules).not.toContain('accounts serves fewer than');
  });

  it('speaks of events for a custom ratio SLI', () => {
    expect(rules).toContain('It does not page while this SLI counts fewer than 0.1 events per second.');
  });
});
