import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFromSpecs, GENERATED_HEADER } from '../src';
import { fixtureSources } from './helpers';

// Whole generated files are compared with checked-in golden files. After an intended change,
// regenerate them with UPDATE_GOLDEN=1 npx jest slo/test/golden and review the diff.
const goldenDir = join(__dirname, 'golden');
const links = {
  runbookBaseUrl: 'https://runbooks.example.test/gameday',
  grafanaUrl: 'https://grafana.example.test',
};
const result = generateFromSpecs(fixtureSources(), { links });

function golden(path: string): string {
  return join(goldenDir, `${path.replace(/\//g, '__')}.golden`);
}

describe('the generator, run on the fixture specs', () => {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(goldenDir, { recursive: true });
    for (const file of result.files) writeFileSync(golden(file.path), file.content);
  }

  it.each(result.files.map((f) => [f.path, f] as const))(
    'renders %s exactly as its golden file',
    (_path, file) => {
      const expected = golden(file.path);
      if (!existsSync(expected))
        throw new Error(`no golden file ${expected}: run UPDATE_GOLDEN=1 npx jest slo/test/golden`);
      expect(file.content).toBe(readFileSync(expected, 'utf8'));
    },
  );

  it('produces the rule file, PrometheusRule, promtool tests and runbooks for each service, and one kustomization', () => {
    expect(result.files.map((f) => f.path)).toEqual([
      'alerts/generated/checkout.slo.rules.yml',
      'argocd/slo-rules/checkout.yaml',
      'alerts/generated/checkout.slo.detection.test.yml',
      'alerts/generated/checkout.slo.test.yml',
      'runbooks/slo-checkout-pay-availability.md',
      'runbooks/slo-checkout-latency.md',
      'runbooks/slo-checkout-job-success.md',
      'alerts/generated/payments.slo.rules.yml',
      'argocd/slo-rules/payments.yaml',
      'alerts/generated/payments.slo.detection.test.yml',
      'alerts/generated/payments.slo.test.yml',
      'runbooks/slo-payments-capture.md',
      'runbooks/slo-payments-refunds.md',
      'argocd/slo-rules/kustomization.yaml',
    ]);
  });

  it('starts every generated file with the DO NOT EDIT header, and marks runbooks create-only instead', () => {
    for (const file of result.files) {
      if (file.path.startsWith('runbooks/')) expect(file.createOnly).toBe(true);
      else expect(file.content.startsWith(`${GENERATED_HEADER}\n`)).toBe(true);
    }
  });

  it('warns about an SLO whose ratio SLI gives no test series, naming the file and the SLO', () => {
    expect(result.warnings).toEqual([
      'slo/specs/payments.yaml: no promtool test for "payments/refunds": give its ratio SLI testSeries ' +
        '(the counters of good and bad events) so the alerts can be tested',
    ]);
  });
});
