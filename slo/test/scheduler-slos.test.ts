// The SLOs of the scheduler, calibrated to what each route and job does. The three routes that wait for
// the pokemon service (entering a tournament and joining the matchmaking queue check the team there,
// claiming a challenge counts the day's wins there) are held to scheduler/pokemon-call-latency: pokemon's
// own 250 ms for the call plus 250 ms for the scheduler's round trips. Every other route is held to
// scheduler/latency. Jobs are held to scheduler/freshness: 99% start within 30 s of their due time. A
// queue whose due jobs do not start at all records no start, so freshness cannot see it: the hand-written
// SchedulerQueueStalled ticket does (alerts/infrastructure.rules.yml), and the promtool cases below show both.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { routes, type RouteSpec } from '@gameday/scheduler';
import { schedulerRoutes } from '../../apps/scheduler/src/entry-points/http';
import { START_DELAY_BUCKETS } from '../../apps/scheduler/src/jobs';
import { parseSpec, paths, type HttpLatencySli, type RatioSli, type Slo } from '../src';
import { repoRoot, requireTool, runTool } from './helpers';

jest.setTimeout(180_000);

const specOf = (service: string) => {
  const file = `${paths.specsDir}/${service}.yaml`;
  return parseSpec({ file, text: readFileSync(join(repoRoot, file), 'utf8') });
};
const scheduler = specOf('scheduler');
const LATENCY_SLOS = ['latency', 'pokemon-call-latency'] as const;
type LatencySloName = (typeof LATENCY_SLOS)[number];

function latencySlo(name: LatencySloName): Slo & { sli: HttpLatencySli } {
  const slo = scheduler.slos.find((s) => s.name === name);
  if (slo?.sli.kind !== 'http-latency') throw new Error(`scheduler.yaml has no latency SLO named ${name}`);
  return slo as Slo & { sli: HttpLatencySli };
}

function freshnessSlo(): Slo & { sli: RatioSli } {
  const slo = scheduler.slos.find((s) => s.name === 'freshness');
  if (slo?.sli.kind !== 'ratio') throw new Error('scheduler.yaml has no ratio SLO named freshness');
  return slo as Slo & { sli: RatioSli };
}

/** Whether the SLI counts requests of `route` (what its generated label matchers select). */
function counts(sli: HttpLatencySli, route: RouteSpec): boolean {
  const path =
    sli.routes.length > 0 ? sli.routes.includes(route.path) : !sli.excludeRoutes.includes(route.path);
  return path && (sli.methods.length === 0 || sli.methods.includes(route.method));
}

const name = (r: RouteSpec) => `${r.method} ${r.path}`;
/** The routes that call the pokemon service's internal API while the player waits. */
const CALLING_POKEMON = [
  'POST /api/v1/tournaments/:id/entries',
  'POST /api/v1/matchmaking/queue',
  'POST /api/v1/challenges/:day/:key/claim',
];

const expectedSlo = (route: RouteSpec): LatencySloName =>
  CALLING_POKEMON.includes(name(route)) ? 'pokemon-call-latency' : 'latency';
/** Which latency SLO holds the route (the first test makes it exactly one). */
const heldBy = (route: RouteSpec): LatencySloName | undefined =>
  LATENCY_SLOS.find((n) => counts(latencySlo(n).sli, route));

/** The routes as the app registers them, recorded by a stand-in router (no handler runs). */
const served: string[] = [];
schedulerRoutes(
  {
    get: (path: string) => served.push(`GET ${path}`),
    post: (path: string) => served.push(`POST ${path}`),
    delete: (path: string) => served.push(`DELETE ${path}`),
  } as never,
  {} as never,
);

describe('the SLOs of the scheduler (slo/specs/scheduler.yaml)', () => {
  it('hold each route the app serves to exactly one latency SLO: the routes calling pokemon, the rest', () => {
    expect(served.sort()).toEqual(routes.map(name).sort());
    for (const r of CALLING_POKEMON) expect(routes.map(name)).toContain(r);
    for (const route of routes) {
      const held = LATENCY_SLOS.filter((n) => counts(latencySlo(n).sli, route));
      expect({ route: name(route), held }).toEqual({ route: name(route), held: [expectedSlo(route)] });
    }
  });

  it('give the routes calling pokemon pokemon/latency’s threshold plus the scheduler’s own 250 ms', () => {
    const pokemonLatency = specOf('pokemon').slos.find((s) => s.name === 'latency')!.sli as HttpLatencySli;
    expect(latencySlo('latency').sli.threshold).toBe(0.25);
    expect(latencySlo('pokemon-call-latency').sli.threshold).toBeGreaterThanOrEqual(
      pokemonLatency.threshold + latencySlo('latency').sli.threshold,
    );
    for (const n of LATENCY_SLOS) expect(latencySlo(n).objective).toBe(99);
  });

  it('count a job as fresh when it started within 30 s, a bucket of the start-delay histogram', () => {
    const { sli, objective } = freshnessSlo();
    expect(objective).toBe(99);
    expect(START_DELAY_BUCKETS).toContain(30);
    expect(sli.good).toContain('gameday_scheduler_job_start_delay_seconds_bucket{job="scheduler",le="30"}');
    expect(sli.total).toContain('gameday_scheduler_job_start_delay_seconds_count{job="scheduler"}');
    // A stalled queue is the hand-written alert's, past the SLO's 30 s.
    const rules = parse(readFileSync(join(repoRoot, 'alerts', 'infrastructure.rules.yml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; expr: string }> }>;
    };
    const stalled = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === 'SchedulerQueueStalled')!;
    expect(Number(/> (\d+)$/.exec(stalled.expr)?.[1])).toBeGreaterThan(30);
  });

  it('keep the low-traffic guard on every SLO: the background load visits the scheduler every 2 minutes', () => {
    for (const slo of scheduler.slos)
      expect({ slo: slo.name, guard: slo.minRequestsPerSecond }).toEqual({ slo: slo.name, guard: 0.05 });
  });
});

// The checked-in rules (alerts/generated/scheduler.slo.rules.yml and the hand-written
// alerts/infrastructure.rules.yml) under promtool, fed every scheduler route (the routes calling pokemon
// at 30 a minute each, the others at 6 a minute) and the job starts of every queue (a matchmaking pass
// every 2.5 s, two tournament rounds a minute). What changes after the first hour is the case's.
describe('the scheduler rules, fed every route and every queue', () => {
  const promtool = requireTool('promtool');
  const dir = mkdtempSync(join(tmpdir(), 'gameday-scheduler-'));
  const END = 240;
  const CHANGE = 60;
  const BUCKETS = ['0.05', '0.25', '0.5'];
  const FAST: Record<LatencySloName, number> = { latency: 0.02, 'pokemon-call-latency': 0.1 };
  const STARTS_PER_MINUTE: Record<string, number> = { 'matchmaking-pass': 24, 'tournament-round': 2 };

  /** A counter as promtool's expanding notation, one sample a minute: `perMinute` for `minutes`, then the next. */
  function counter(segments: Array<[perMinute: number, minutes: number]>): string {
    let value = 0;
    return segments
      .map(([rate, minutes], i) => {
        if (i === 0) {
          value = rate * minutes;
          return `0+${rate}x${minutes}`;
        }
        const start = value + rate;
        value = start + rate * (minutes - 1);
        return `${start}+${rate}x${minutes - 1}`;
      })
      .join(' ');
  }

  function httpSeries(after: Partial<Record<LatencySloName, number>>) {
    return routes.flatMap((route) => {
      const group = heldBy(route)!;
      const perMinute = group === 'latency' ? 6 : 30;
      const took = (phase: 'before' | 'after') =>
        phase === 'after' ? (after[group] ?? FAST[group]) : FAST[group];
      const labels = [
        'job="scheduler"',
        `http_route="${route.path}"`,
        `http_request_method="${route.method}"`,
        'http_response_status_code="200"',
      ].join(',');
      const series = (counted: (seconds: number) => boolean) =>
        counter([
          [counted(took('before')) ? perMinute : 0, CHANGE],
          [counted(took('after')) ? perMinute : 0, END - CHANGE],
        ]);
      return [
        { series: `http_server_request_duration_seconds_count{${labels}}`, values: series(() => true) },
        ...BUCKETS.map((le) => ({
          series: `http_server_request_duration_seconds_bucket{${labels},le="${le}"}`,
          values: series((seconds) => seconds <= Number(le)),
        })),
      ];
    });
  }

  /** Job starts per queue: `total` and `fresh` (within 30 s) per minute, in segments of minutes. */
  function startSeries(
    queues: Record<string, { total: Array<[number, number]>; fresh: Array<[number, number]> }>,
  ) {
    return Object.entries(queues).flatMap(([queue, { total, fresh }]) => {
      const labels = `job="scheduler",instance="127.0.0.1:8087",queue="${queue}"`;
      return [
        { series: `gameday_scheduler_job_start_delay_seconds_count{${labels}}`, values: counter(total) },
        {
          series: `gameday_scheduler_job_start_delay_seconds_bucket{${labels},le="30"}`,
          values: counter(fresh),
        },
      ];
    });
  }

  /** Every queue starting its jobs on time all along. */
  const onTime = () =>
    Object.fromEntries(
      Object.entries(STARTS_PER_MINUTE).map(([q, n]) => [q, { total: [[n, END]], fresh: [[n, END]] }]),
    ) as Record<string, { total: Array<[number, number]>; fresh: Array<[number, number]> }>;

  const burn = (slo: string, severity = 'critical') =>
    `ALERTS{alertname="SLOErrorBudgetBurn",slo_service="scheduler",slo_name="${slo}",severity="${severity}"}`;
  const quiet = (selector: string, at: string): object => ({
    expr: selector,
    eval_time: at,
    exp_samples: [],
  });
  const fires = (selector: string, labels: string, at = '4h'): object => ({
    expr: selector,
    eval_time: at,
    exp_samples: [{ labels, value: 1 }],
  });
  const pages = (slo: string): object =>
    fires(
      burn(slo),
      `ALERTS{alertname="SLOErrorBudgetBurn",alertstate="firing",severity="critical",slo_name="${slo}",slo_service="scheduler"}`,
    );
  const onlyPages = (slo: string): object[] => [
    pages(slo),
    ...scheduler.slos
      .filter((s) => s.name !== slo)
      .map((s) => quiet(`ALERTS{slo_service="scheduler",slo_name="${s.name}"}`, '4h')),
  ];
  const everySloQuiet = (...at: string[]): object[] =>
    at.map((t) => quiet('ALERTS{alertname="SLOErrorBudgetBurn",slo_service="scheduler"}', t));

  interface Case {
    after?: Partial<Record<LatencySloName, number>>;
    starts?: Record<string, { total: Array<[number, number]>; fresh: Array<[number, number]> }>;
    gauges?: Array<{ series: string; values: string }>;
    checks: object[];
  }

  it.each<[string, Case]>([
    [
      'a slow pokemon (joins and claims take 400 ms) fires nothing',
      { after: { 'pokemon-call-latency': 0.4 }, checks: everySloQuiet('1h', '4h') },
    ],
    [
      'joins and claims slower than 500 ms page scheduler/pokemon-call-latency only',
      { after: { 'pokemon-call-latency': 0.75 }, checks: onlyPages('pokemon-call-latency') },
    ],
    [
      'every other route slower than 250 ms pages scheduler/latency only',
      { after: { latency: 0.3 }, checks: onlyPages('latency') },
    ],
    [
      'matchmaking passes starting more than 30 s late, pass after pass, page scheduler/freshness only',
      {
        starts: {
          ...onTime(),
          'matchmaking-pass': {
            total: [[24, END]],
            fresh: [
              [24, CHANGE],
              [0, END - CHANGE],
            ],
          },
        },
        checks: onlyPages('freshness'),
      },
    ],
    [
      'a scheduler down for 10 minutes, whose due jobs all start late when it is back, does not page',
      {
        // No start while it is down; then the pending matchmaking pass and 3 tournament rounds, all late.
        starts: {
          'matchmaking-pass': {
            total: [
              [24, CHANGE],
              [0, 10],
              [25, 1],
              [24, END - CHANGE - 11],
            ],
            fresh: [
              [24, CHANGE],
              [0, 10],
              [24, 1],
              [24, END - CHANGE - 11],
            ],
          },
          'tournament-round': {
            total: [
              [2, CHANGE],
              [0, 10],
              [3, 1],
              [2, END - CHANGE - 11],
            ],
            fresh: [
              [2, CHANGE],
              [0, 10],
              [0, 1],
              [2, END - CHANGE - 11],
            ],
          },
        },
        checks: everySloQuiet('1h11m', '1h15m', '2h', '4h'),
      },
    ],
    [
      'a tournament-round queue that stops starting anything fires SchedulerQueueStalled, which freshness cannot see',
      {
        starts: {
          ...onTime(),
          'tournament-round': {
            total: [
              [2, CHANGE],
              [0, END - CHANGE],
            ],
            fresh: [
              [2, CHANGE],
              [0, END - CHANGE],
            ],
          },
        },
        gauges: [
          {
            series:
              'gameday_scheduler_oldest_due_job_age_seconds{job="scheduler",instance="127.0.0.1:8087",queue="tournament-round"}',
            values: `0x${CHANGE} 60+60x${END - CHANGE - 1}`,
          },
          {
            series:
              'gameday_scheduler_oldest_due_job_age_seconds{job="scheduler",instance="127.0.0.1:8087",queue="matchmaking-pass"}',
            values: `0.5x${END}`,
          },
        ],
        checks: [
          ...everySloQuiet('1h30m', '4h'),
          quiet('ALERTS{alertname="SchedulerQueueStalled",alertstate="firing"}', '1h5m'),
          fires(
            'ALERTS{alertname="SchedulerQueueStalled"}',
            'ALERTS{alertname="SchedulerQueueStalled",alertstate="firing",job="scheduler",queue="tournament-round",severity="warning",slo_service="scheduler"}',
            '1h10m',
          ),
        ],
      },
    ],
  ])('%s', async (title, c) => {
    const file = join(dir, `${title.replace(/[^a-z0-9]+/gi, '-').slice(0, 48)}.test.yml`);
    writeFileSync(
      file,
      stringify({
        rule_files: [
          join(repoRoot, paths.rulesFile('scheduler')),
          join(repoRoot, 'alerts', 'infrastructure.rules.yml'),
        ],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              ...httpSeries(c.after ?? {}),
              ...startSeries(c.starts ?? onTime()),
              ...(c.gauges ?? []),
            ],
            promql_expr_test: c.checks,
          },
        ],
      }),
    );
    const result = await runTool(promtool, ['test', 'rules', file]);
    expect({ code: result.code, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({
      code: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});
