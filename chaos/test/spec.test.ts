// Experiment specs: the catalogue is valid, and bad specs are refused with exit 2 and a message
// naming the file and the field, before anything is injected.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  ALERT_NAME,
  RECEIVER_NAMES,
  RECEIVERS,
  ruleFiles,
  SEVERITIES,
  SEVERITY_LABEL,
  SLO_ALERT_LABELS,
  SLO_NAME_LABEL,
  SLO_SERVICE_LABEL,
  sloId,
} from '@gameday/slo';
import type { Severity } from '@gameday/slo';
import { run } from '../../cli/src/program';
import { loadExperiments, parseExperiment } from '../src/spec';
import { parseDuration } from '../src/duration';
import { SloCatalogue } from '../src/slos';

const root = resolve(__dirname, '..', '..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gameday-spec-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function gameday(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: root,
    // No stack: a spec error must be found before the engine is even looked for.
    env: { ...process.env, GAMEDAY_HOME: join(dir, 'no-stack') },
  });
  return { code, stdout, stderr };
}

const valid = `apiVersion: gameday/v1
kind: ChaosExperiment
metadata: { name: ok }
spec:
  target: { service: accounts }
  fault: { type: process-kill }
  duration: 30s
  hypothesis: { slos: [gateway/availability], maxBudgetConsumed: 2%, recoveryWithin: 1m }
`;

function file(name: string, text: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, text);
  return path;
}

describe('experiment specs', () => {
  it('the catalogue has at least 10 valid experiments with the hypotheses the issue asks for', () => {
    const loaded = loadExperiments(join(root, 'chaos', 'experiments'));
    expect(loaded.length).toBeGreaterThanOrEqual(10);
    const faults = loaded.map((l) => `${l.experiment.spec.fault.type}:${l.experiment.spec.target.service}`);
    expect(faults).toEqual(
      expect.arrayContaining([
        'process-kill:accounts',
        'process-pause:wallet',
        'http-error:casino',
        'network:wallet',
        'network:postgres',
        'kafka-broker-kill:kafka',
        'process-kill:leaderboard',
        'cpu-stress:gateway',
        'network:pokeapi',
        'process-kill:scheduler',
      ]),
    );
    for (const { experiment } of loaded) {
      const h = experiment.spec.hypothesis;
      expect(
        h.maxBudgetConsumed !== undefined || h.expectAlert.length > 0 || h.recoveryWithin !== undefined,
      ).toBe(true);
    }
    expect(
      loaded.find((l) => l.experiment.metadata.name === 'leaderboard-consumer-kill')!.experiment.spec
        .hypothesis.slos,
    ).toEqual(['leaderboard/freshness']);
  });

  it('the catalogue expects only alerts that exist, labelled and routed by the SLO alert contract', () => {
    // The YAML cannot import slo/src/naming.ts: this holds it to it (and to the rule files and specs).
    const alertNames = new Set(
      ruleFiles(root).flatMap((f) => {
        const rules = parse(readFileSync(f, 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
        return rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
      }),
    );
    const slos = SloCatalogue.load(root).ids();
    const loaded = loadExperiments(join(root, 'chaos', 'experiments'));
    const expectations = loaded.flatMap(({ file, experiment }) => {
      const h = experiment.spec.hypothesis;
      return [...h.expectAlert, ...h.expectNoAlert].map((x) => ({ file, ...x }));
    });
    expect(expectations.some((x) => x.alertname === ALERT_NAME)).toBe(true);
    const problems: string[] = [];
    for (const { file, alertname, labels, receiver } of expectations) {
      const where = `${file}: ${alertname}`;
      if (!alertNames.has(alertname)) problems.push(`${where}: no such alert in the rule files`);
      if (receiver !== undefined && !(RECEIVER_NAMES as readonly string[]).includes(receiver))
        problems.push(`${where}: no receiver ${receiver} (${RECEIVER_NAMES.join(', ')})`);
      if (alertname !== ALERT_NAME) continue;
      const unknown = Object.keys(labels).filter((k) => !(SLO_ALERT_LABELS as readonly string[]).includes(k));
      if (unknown.length) problems.push(`${where}: ${unknown.join(', ')} is not a label of the SLO alert`);
      const severity = labels[SEVERITY_LABEL] as Severity | undefined;
      if (severity !== undefined && !SEVERITIES.includes(severity))
        problems.push(`${where}: no severity ${severity}`);
      else if (severity !== undefined && receiver !== undefined && receiver !== RECEIVERS[severity])
        problems.push(`${where}: ${severity} routes to ${RECEIVERS[severity]}, not ${receiver}`);
      const [service, name] = [labels[SLO_SERVICE_LABEL], labels[SLO_NAME_LABEL]];
      if (service !== undefined && name !== undefined && !slos.includes(sloId(service, name)))
        problems.push(`${where}: no SLO ${sloId(service, name)} in slo/specs`);
      if (service !== undefined && !slos.some((id) => id.startsWith(`${service}/`)))
        problems.push(`${where}: ${service} has no SLO in slo/specs`);
    }
    expect(problems).toEqual([]);
  });

  it('parses units: percentages as ratios, durations in seconds', () => {
    const e = parseExperiment(valid, 'ok.yaml');
    expect(e.spec.duration).toBe(30);
    expect(e.spec.hypothesis.maxBudgetConsumed).toBeCloseTo(0.02);
    expect(e.spec.hypothesis.recoveryWithin).toBe(60);
    expect(parseDuration('1m30s')).toBe(90);
    // Defaults are parsed values: 100% is 1.
    const defaults = (fault: string) =>
      parseExperiment(valid.replace('{ type: process-kill }', fault), 'd.yaml').spec.fault;
    expect(defaults('{ type: http-error }')).toMatchObject({ percent: 1, status: 503 });
    expect(defaults('{ type: http-latency, delay: 1s }')).toMatchObject({ percent: 1, delay: 1 });
    expect(defaults('{ type: cpu-stress }')).toMatchObject({ workers: 2, load: 1 });
    expect(parseDuration('500ms')).toBe(0.5);
  });

  it.each([
    [
      'unknown fault',
      valid.replace('type: process-kill', 'type: process-explode'),
      /fault\.type: unknown fault type "process-explode"; expected one of process-kill, process-pause/,
    ],
    [
      'missing target',
      valid.replace('  target: { service: accounts }\n', ''),
      /bad\.yaml: spec\.target: is required/,
    ],
    [
      'nonsense duration',
      valid.replace('duration: 30s', 'duration: soon'),
      /spec\.duration: "soon" is not a duration: write it like 500ms, 30s, 2m/,
    ],
    [
      'zero duration',
      valid.replace('duration: 30s', 'duration: 0s'),
      /spec\.duration: "0s" is zero: a duration must be positive/,
    ],
    [
      'duration without unit',
      valid.replace('duration: 30s', 'duration: 30'),
      /spec\.duration: 30 has no unit/,
    ],
    [
      'percentage over 100',
      valid.replace('maxBudgetConsumed: 2%', 'maxBudgetConsumed: 250%'),
      /spec\.hypothesis\.maxBudgetConsumed: "250%" is not a percentage between 0 and 100/,
    ],
    [
      'unknown field',
      valid.replace('duration: 30s', 'duration: 30s\n  durration: 1m'),
      /spec: unknown field durration/,
    ],
    [
      'unknown SLO',
      valid.replace('gateway/availability', 'gateway/happiness'),
      /spec\.hypothesis\.slos: no SLO gateway\/happiness in slo\/specs; known: .*gateway\/availability/,
    ],
    [
      'latency without latency',
      valid.replace('{ type: process-kill }', '{ type: network, action: latency }'),
      /spec\.fault\.latency: a latency fault needs latency/,
    ],
    [
      'expectAlert without within',
      valid.replace('recoveryWithin: 1m }', 'expectAlert: [{ alertname: SLOErrorBudgetBurn }] }'),
      /spec\.hypothesis\.expectAlert\[0\]\.within: say how soon the alert must fire/,
    ],
    ['wrong kind', valid.replace('kind: ChaosExperiment', 'kind: PodChaos'), /kind: must be ChaosExperiment/],
    ['invalid YAML', 'spec: [unclosed', /invalid YAML/],
    [
      'a service with no SLO and no slos',
      valid
        .replace('target: { service: accounts }', 'target: { service: postgres }')
        .replace('slos: [gateway/availability], ', ''),
      /postgres has no SLO of its own: name the SLOs its failure affects/,
    ],
  ])('refuses a spec with %s: exit 2, the field named, nothing run', async (_name, text, message) => {
    const r = await gameday(['chaos', 'run', file('bad', text)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/no local stack/);
  });

  it('reports every problem of every file in a folder at once', async () => {
    const folder = join(dir, 'many');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.yaml'), valid.replace('duration: 30s', 'duration: later'));
    writeFileSync(join(folder, 'b.yaml'), valid.replace('type: process-kill', 'type: meteor'));
    const r = await gameday(['chaos', 'run', folder]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a\.yaml: spec\.duration/);
    expect(r.stderr).toMatch(/b\.yaml: spec\.fault\.type/);
  });

  it('exit 2 naming the way out when no local stack runs', async () => {
    const r = await gameday(['chaos', 'run', file('ok', valid)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no local stack: .*stack\.json does not exist\n {2}→ start it with `npm start`/);
  });

  it('rejects an unknown engine and a missing journal', async () => {
    expect((await gameday(['chaos', 'run', file('ok', valid), '--engine', 'mesos'])).stderr).toMatch(
      /--engine must be local or kubernetes/,
    );
    const v = await gameday(['chaos', 'verify', join(dir, 'nope.json')]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/cannot read .*nope\.json/);
  });
});
