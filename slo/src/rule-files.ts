import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from './naming';

/**
 * Absolute paths of every Prometheus rule file to load: the generated SLO rules and the
 * hand-written infrastructure alerts. The local stack writes them into prometheus.yml's rule_files.
 */
export function ruleFiles(rootDir: string): string[] {
  const dir = join(rootDir, paths.generatedRulesDir);
  const generated = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.slo.rules.yml'))
        .sort()
        .map((f) => join(dir, f))
    : [];
  const infrastructure = join(rootDir, paths.infrastructureRules);
  return [...generated, ...(existsSync(infrastructure) ? [infrastructure] : [])];
}

/** The Alertmanager config for the local stack (both routes go to a local webhook). */
export function localAlertmanagerConfig(rootDir: string): string {
  return join(rootDir, paths.alertmanagerLocalConfig);
}

/** The Alertmanager config for real environments (PagerDuty and Slack, secrets from files). */
export function alertmanagerConfig(rootDir: string): string {
  return join(rootDir, paths.alertmanagerConfig);
}
