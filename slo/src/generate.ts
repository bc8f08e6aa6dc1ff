// The pipeline, pure: spec sources in, file contents out. No file-system access here, so the bench
// and the tests can run it in memory; files.ts does the reading, writing and --check.
import { defaultLinks, type Links } from './describe';
import { SpecError, wrap, type SpecProblem } from './errors';
import type { Period, ServiceSlos, Slo } from './model';
import { paths, PERIOD_GROUP_INTERVAL, periodRuleGroupName, ruleGroupName } from './naming';
import { renderPromtoolTests } from './render/promtool-tests';
import { renderKustomization, renderPrometheusRule, renderRuleFile } from './render/prometheus-rules';
import { renderRunbook } from './render/runbook';
import { alertRules } from './rules/alert-rules';
import {
  currentBurnRecordingRules,
  metadataRecordingRules,
  periodBudgetRecordingRules,
} from './rules/meta-rules';
import {
  periodSliRecordingRules,
  rawSliRecordingRules,
  sliRecordingRules,
  summable,
} from './rules/sli-rules';
import type { RuleGroup } from './rules/types';
import { parseSpec, type SpecSource } from './spec/parse-spec';
import { durationSeconds } from './duration';
import { loadWindows, type PeriodWindows } from './windows';

export interface GenerateOptions {
  /** Where runbook_url and dashboard_url point; defaults to the gameday repository and local Grafana. */
  links?: Partial<Links>;
  /** Alert windows per period; defaults to the files in slo/windows. */
  windows?: Map<Period, PeriodWindows>;
  /** Skip the promtool test files (the bench measures rule generation alone). */
  skipTests?: boolean;
  /**
   * The period groups' interval (default PERIOD_GROUP_INTERVAL, 2m): shorter for a test that
   * cannot wait minutes for a budget; under Prometheus's lookback (5m) in any case.
   */
  periodInterval?: string;
}

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
  /** Written only when missing, never overwritten: runbooks belong to people once created. */
  createOnly?: boolean;
}

export interface GenerateResult {
  services: ServiceSlos[];
  files: GeneratedFile[];
  /** Things that do not stop generation but deserve a look (e.g. an SLO no test could be derived for). */
  warnings: string[];
}

/**
 * The two rule groups of one SLO. The alert group (the global interval): SLI windows, the SLO's
 * constants (chaos preflight looks for its objective as soon as Prometheus runs), the current burn
 * rate, then alerts, so one evaluation sees fresh values. The period group
 * (PERIOD_GROUP_INTERVAL): the increments, the period ratio summed from them and the budget, which
 * dashboards, status and the long windows read, so no alert waits for it.
 */
export function sloRuleGroups(
  slo: Slo,
  windows: PeriodWindows,
  links: Links = defaultLinks,
  periodInterval = PERIOD_GROUP_INTERVAL,
): RuleGroup[] {
  try {
    return [
      {
        name: ruleGroupName(slo.service, slo.name),
        rules: [
          ...sliRecordingRules(slo, windows, periodInterval),
          ...metadataRecordingRules(slo),
          ...currentBurnRecordingRules(slo),
          ...alertRules(slo, windows, links),
        ],
      },
      {
        name: periodRuleGroupName(slo.service, slo.name),
        interval: periodInterval,
        rules: [...periodSliRecordingRules(slo, periodInterval), ...periodBudgetRecordingRules(slo)],
      },
    ];
  } catch (err) {
    throw wrap(`could not generate "${slo.service}/${slo.name}"`, err);
  }
}

/**
 * One SLO as the previous generation wrote it: one group, every window (the period's too) read
 * from the raw counters at every evaluation. Exact and costly; the benchmark's baseline.
 */
export function rawCounterRuleGroup(
  slo: Slo,
  windows: PeriodWindows,
  links: Links = defaultLinks,
): RuleGroup {
  return {
    name: ruleGroupName(slo.service, slo.name),
    rules: [
      ...rawSliRecordingRules(slo, windows),
      ...metadataRecordingRules(slo),
      ...currentBurnRecordingRules(slo),
      ...periodBudgetRecordingRules(slo),
      ...alertRules(slo, windows, links),
    ],
  };
}

/** Parses every spec and renders every output. Throws a SpecError naming every bad spec; returns nothing partial. */
export function generateFromSpecs(sources: SpecSource[], options: GenerateOptions = {}): GenerateResult {
  const windows = options.windows ?? loadWindows();
  const links: Links = { ...defaultLinks, ...options.links };
  const windowsOf = (slo: Slo): PeriodWindows => windows.get(slo.period)!;
  const periodInterval = options.periodInterval ?? PERIOD_GROUP_INTERVAL;
  if (
    !/^\d+[sm]$/.test(periodInterval) ||
    durationSeconds(periodInterval) >= 300 ||
    durationSeconds(periodInterval) === 0
  ) {
    throw new Error(
      `periodInterval ${periodInterval} must be a duration like 2m, under Prometheus's 5m lookback: ` +
        'a longer one would make the budget series go stale between evaluations',
    );
  }

  const problems: SpecProblem[] = [];
  const services: ServiceSlos[] = [];
  for (const source of sources) {
    try {
      services.push(parseSpec(source, { windows }));
    } catch (err) {
      if (err instanceof SpecError) problems.push(...err.problems);
      else throw wrap(`could not read ${source.file}`, err);
    }
  }
  const seen = new Map<string, string>();
  for (const s of services) {
    const other = seen.get(s.service);
    if (other !== undefined) {
      problems.push({
        file: s.source,
        path: '',
        message: `service "${s.service}" is already specified in ${other}`,
      });
    }
    seen.set(s.service, s.source);
  }
  if (problems.length > 0) throw new SpecError(problems);

  const files: GeneratedFile[] = [];
  const warnings: string[] = [];
  for (const service of services) {
    try {
      const groups = service.slos.flatMap((slo) => sloRuleGroups(slo, windowsOf(slo), links, periodInterval));
      const names = new Set<string>();
      for (const g of groups) {
        // An SLO named "<other>-period" would take the other's period group name.
        if (names.has(g.name)) {
          throw new Error(`two rule groups would be named ${g.name}: rename one of the SLOs`);
        }
        names.add(g.name);
      }
      const ruleFile = paths.rulesFile(service.service);
      files.push({ path: ruleFile, content: renderRuleFile(groups, service.source) });
      files.push({
        path: paths.prometheusRuleFile(service.service),
        content: renderPrometheusRule(service.service, groups, service.source),
      });
      if (!options.skipTests) {
        const tests = renderPromtoolTests(
          service,
          windowsOf,
          ruleFile.split('/').pop()!,
          (kind) => paths.testFile(service.service, kind).split('/').pop()!,
          // The period groups first: each step's day-long windows then read that step's base rates.
          [...groups.filter((g) => g.interval), ...groups.filter((g) => !g.interval)].map((g) => g.name),
        );
        for (const test of tests.files) {
          files.push({ path: `${paths.generatedRulesDir}/${test.name}`, content: test.content });
        }
        for (const slo of tests.untested) {
          warnings.push(
            `${slo.source}: no promtool test for "${slo.service}/${slo.name}": give its ratio SLI testSeries ` +
              '(the counters of good and bad events) so the alerts can be tested',
          );
        }
      }
      for (const slo of service.slos) {
        if (!summable(slo)) {
          warnings.push(
            `${slo.source}: "${slo.service}/${slo.name}" reads its raw queries over the whole ${slo.period} period ` +
              'at every evaluation (costly with many series): write its good/bad and total queries as rate() or ' +
              'increase() of counters over {{window}} so the period can be summed from increments',
          );
        }
        files.push({
          path: paths.runbookFile(slo.service, slo.name),
          content: renderRunbook(slo, windowsOf(slo), links),
          createOnly: true,
        });
      }
    } catch (err) {
      throw wrap(`could not generate outputs for ${service.source}`, err);
    }
  }
  if (services.length > 0) {
    files.push({
      path: paths.kustomizationFile,
      content: renderKustomization(services.map((s) => s.service)),
    });
  }
  return { services, files, warnings };
}
