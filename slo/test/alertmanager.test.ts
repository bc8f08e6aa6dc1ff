import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { eventually } from '@gameday/testing';
import {
  ALERT_GROUP_BY,
  ALERT_NAME,
  ALERT_ROUTES,
  alertmanagerConfig,
  INHIBIT_RULE,
  localAlertmanagerConfig,
  RECEIVER_NAMES,
  RECEIVERS,
  receiverWebhookPath,
  SEVERITIES,
  SEVERITY_LABEL,
  SLO_NAME_LABEL,
  SLO_SERVICE_LABEL,
} from '../src';
import { repoRoot, requireTool, runTool } from './helpers';

jest.setTimeout(60_000);

const configs = [
  ['alerts/alertmanager.yml', alertmanagerConfig(repoRoot)],
  ['alerts/alertmanager.local.yml', localAlertmanagerConfig(repoRoot)],
] as const;
/** Each severity and the receiver it must reach. */
const routing = SEVERITIES.map((severity) => [severity, RECEIVERS[severity]] as const);

describe.each(configs)('%s', (_name, file) => {
  const amtool = requireTool('amtool');

  it('passes amtool check-config', async () => {
    const result = await runTool(amtool, ['check-config', file]);
    expect(result.stdout).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it.each(routing)('routes a %s SLO alert to the %s receiver', async (severity, receiver) => {
    const result = await runTool(amtool, [
      'config',
      'routes',
      'test',
      `--config.file=${file}`,
      `alertname=${ALERT_NAME}`,
      `${SEVERITY_LABEL}=${severity}`,
      `${SLO_SERVICE_LABEL}=accounts`,
      `${SLO_NAME_LABEL}=availability`,
    ]);
    expect(result.stdout.trim()).toBe(receiver);
  });

  it('groups, routes and inhibits exactly as the SLO alert contract of slo/src/naming.ts says', () => {
    const config = parse(readFileSync(file, 'utf8')) as {
      route: { group_by: string[]; routes: Array<{ receiver: string; matchers: string[] }> };
      inhibit_rules: unknown[];
      receivers: Array<{ name: string }>;
    };
    expect(config.route.group_by).toEqual(ALERT_GROUP_BY);
    const routes = config.route.routes.map(({ receiver, matchers }) => ({ receiver, matchers }));
    expect(routes).toEqual(ALERT_ROUTES);
    expect(config.inhibit_rules).toEqual([INHIBIT_RULE]);
    expect(config.receivers.map((r) => r.name)).toEqual(RECEIVER_NAMES);
  });
});

describe('the two Alertmanager configs', () => {
  it('share one route tree and inhibition, differing only in where receivers deliver', () => {
    const [prod, local] = configs.map(
      ([, file]) => parse(readFileSync(file, 'utf8')) as Record<string, unknown>,
    );
    expect(local!.route).toEqual(prod!.route);
    expect(local!.inhibit_rules).toEqual(prod!.inhibit_rules);
    const names = (c: Record<string, unknown>): string[] =>
      (c.receivers as Array<{ name: string }>).map((r) => r.name);
    expect(names(local!)).toEqual(names(prod!));
  });

  it('keep secrets out of the production config: PagerDuty and Slack credentials come from files', () => {
    const text = readFileSync(alertmanagerConfig(repoRoot), 'utf8');
    expect(text).toContain('routing_key_file:');
    expect(text).toContain('api_url_file:');
    expect(text).not.toMatch(/routing_key:|service_key:|api_url:/);
  });

  it('send the local pager and ticket webhooks to different paths so severities stay apart', () => {
    const local = parse(readFileSync(localAlertmanagerConfig(repoRoot), 'utf8')) as {
      receivers: Array<{ name: string; webhook_configs: Array<{ url: string }> }>;
    };
    expect(local.receivers.map((r) => [r.name, r.webhook_configs[0]!.url])).toEqual(
      RECEIVER_NAMES.map((r) => [r, `http://127.0.0.1:9095${receiverWebhookPath(r)}`]),
    );
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface ApiAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

describe('a running Alertmanager with the local config', () => {
  const binary = requireTool('prometheus-alertmanager');
  let child: ChildProcess | undefined;
  let storage: string;
  let url: string;
  let output = '';

  beforeAll(async () => {
    const port = await freePort();
    storage = mkdtempSync(join(tmpdir(), 'gameday-am-'));
    url = `http://127.0.0.1:${port}`;
    child = spawn(
      binary,
      [
        `--config.file=${localAlertmanagerConfig(repoRoot)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        `--storage.path=${storage}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    // Ready, or exited (then it never will be): either ends the wait.
    const ready = await eventually(
      async () => (child!.exitCode !== null ? false : (await fetch(`${url}/-/ready`)).ok || undefined),
      { timeoutMs: 20_000, intervalMs: 200, what: `Alertmanager ready at ${url}` },
    ).catch((err: Error) => {
      throw new Error(`${err.message}:\n${output}`);
    });
    if (!ready) throw new Error(`Alertmanager did not become ready at ${url}:\n${output}`);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(storage, { recursive: true, force: true });
  });

  it('inhibits the warning of an SLO that also pages, and not the warning of another SLO', async () => {
    const alert = (severity: string, slo: string) => ({
      labels: { alertname: ALERT_NAME, severity, slo_service: 'accounts', slo_name: slo },
      annotations: { summary: `accounts/${slo} ${severity}` },
      startsAt: new Date().toISOString(),
    });
    const posted = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert('critical', 'availability'),
        alert('warning', 'availability'),
        alert('warning', 'latency'),
      ]),
    });
    expect(posted.status).toBe(200);

    // Inhibition is computed as alerts are read; poll until all three are in.
    const alerts = await eventually(
      async () => {
        const all = (await (await fetch(`${url}/api/v2/alerts`)).json()) as ApiAlert[];
        return all.length === 3 && all.some((a) => a.status.state === 'suppressed') ? all : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'all three alerts in, one of them suppressed' },
    );
    const state = (severity: string, slo: string): { state: string; inhibited: boolean } => {
      const found = alerts.find((a) => a.labels.severity === severity && a.labels.slo_name === slo);
      return {
        state: found?.status.state ?? 'missing',
        inhibited: (found?.status.inhibitedBy.length ?? 0) > 0,
      };
    };
    expect({
      critical: state('critical', 'availability'),
      sameSloWarning: state('warning', 'availability'),
      otherSloWarning: state('warning', 'latency'),
    }).toEqual({
      critical: { state: 'active', inhibited: false },
      sameSloWarning: { state: 'suppressed', inhibited: true },
      otherSloWarning: { state: 'active', inhibited: false },
    });
  });
});
