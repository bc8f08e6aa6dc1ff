// Bench `slo-scale`: what the generated SLO rules cost a real Prometheus 2.42 over a full 30-day
// period of one service, against the previous generation (every window, the period's included,
// read from the raw counters at every evaluation). Both rule sets run over the same data:
//
//   1. 30 days + 6 h of the standard HTTP histogram of `accounts` (20 routes × 5 status codes =
//      100 label sets; _count and the two buckets the SLOs read, le=0.25 and le=1: 300 series) at
//      60 s resolution, as OpenMetrics, with traffic ten times higher at the evening peak than at
//      night, errors concentrated at night, slow requests at the peak, and a restart (every counter
//      back to 0) every 7 days. `promtool tsdb create-blocks-from openmetrics --max-block-duration`
//      turns it into a few large blocks.
//   2. Prometheus runs the previous rules over those blocks while a small exporter continues the
//      same counters (so the short windows have fresh data), and /api/v1/rules gives each group's
//      evaluation time. The increments the new period groups record (bad and total events since
//      the previous evaluation, every 2 m) are read from it with query_range at that step: what a
//      month of evaluations would have recorded (what `promtool tsdb create-blocks-from rules`
//      does, without its one small block per rule and 2 hours).
//   3. The raw data and those increments are backfilled together into a fresh data directory (no
//      overlapping blocks, so no vertical compaction runs under the measurement), and Prometheus
//      runs the generated rules as they are: alert groups at the global 30 s interval, period
//      groups at their own 2 m. Then the period ratio is compared with the raw-counter rate at the
//      same instant.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import {
  durationSeconds,
  loadWindows,
  parseSpec,
  PERIOD_GROUP_INTERVAL,
  record,
  rawCounterRuleGroup,
  renderRuleFile,
  sliQueries,
  sloRuleGroups,
  type RuleGroup,
  type Slo,
} from '@gameday/slo';
import { freePort, REPO_ROOT } from '@gameday/testing';

const MINUTE = 60;
const DAY = 86_400;
/** History before "now": the 30-day period plus the longest alert window's worth of margin. */
const HISTORY_SECONDS = 30 * DAY + 6 * 3600;
const EVALUATION_INTERVAL = '30s';
const RESTART_EVERY_DAYS = 7;
const TARGET_MS = 20;
const TARGET_RATIO_GAP = 0.001;
const METRIC = 'http_server_request_duration_seconds';
const INSTANCE = 'accounts:8081';

export interface GroupTiming {
  group: string;
  interval: string;
  evaluations: number;
  /** Milliseconds per evaluation, after the first (which faults the blocks' pages in). */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** The period rule's share, when the group has one. */
  periodRuleMs?: number;
}

export interface PeriodCheck {
  slo: string;
  summed: number;
  raw: number;
  relativeGap: number;
}

export interface SloScaleResult {
  series: number;
  samples: number;
  openMetricsBytes: number;
  generateSeconds: number;
  backfillSeconds: number;
  incrementsQuerySeconds: number;
  before: GroupTiming[];
  after: GroupTiming[];
  period: PeriodCheck[];
}

// ---------------------------------------------------------------------------------------------
// The traffic model: deterministic, so the exporter continues exactly what was backfilled.

interface Route {
  route: string;
  method: string;
  /** Requests per second at the evening peak. */
  peak: number;
  /** Hashes a password: slower by design (password-latency SLO). */
  slow?: boolean;
}

const ROUTES: Route[] = [
  { route: '/api/v1/players', method: 'POST', peak: 2, slow: true },
  { route: '/api/v1/players/login', method: 'POST', peak: 6, slow: true },
  { route: '/api/v1/players/me', method: 'GET', peak: 40 },
  { route: '/api/v1/players/me', method: 'PATCH', peak: 1 },
  { route: '/api/v1/players/:id', method: 'GET', peak: 12 },
  { route: '/api/v1/players/:id/roles', method: 'GET', peak: 2 },
  { route: '/api/v1/players/:id/roles', method: 'PUT', peak: 0.2 },
  { route: '/api/v1/players/:id/profile', method: 'GET', peak: 8 },
  { route: '/api/v1/players/:id/avatar', method: 'GET', peak: 6 },
  { route: '/api/v1/players/:id/avatar', method: 'PUT', peak: 0.5 },
  { route: '/api/v1/players/search', method: 'GET', peak: 4 },
  { route: '/api/v1/friends', method: 'GET', peak: 10 },
  { route: '/api/v1/friends', method: 'POST', peak: 1 },
  { route: '/api/v1/friends/:id', method: 'DELETE', peak: 0.3 },
  { route: '/api/v1/sessions', method: 'GET', peak: 3 },
  { route: '/api/v1/sessions/:id', method: 'DELETE', peak: 1.5 },
  { route: '/api/v1/settings', method: 'GET', peak: 5 },
  { route: '/api/v1/settings', method: 'PUT', peak: 0.8 },
  { route: '/api/v1/admin/players', method: 'GET', peak: 0.4 },
  { route: '/.well-known/jwks.json', method: 'GET', peak: 3 },
];
const STATUSES = ['200', '201', '404', '429', '503'] as const;
const BUCKETS = ['0.25', '1'] as const;

/** 1 at 20:00 UTC, 0.1 at 08:00. */
function diurnal(t: number): number {
  const hour = (t % DAY) / 3600;
  return 0.1 + 0.9 * (0.5 + 0.5 * Math.cos((2 * Math.PI * (hour - 20)) / 24));
}

interface Shares {
  status: Record<(typeof STATUSES)[number], number>;
  /** Share of all requests at or under 0.25 s and 1 s. */
  le: Record<(typeof BUCKETS)[number], number>;
}

function shares(route: Route, t: number): Shares {
  const d = diurnal(t);
  // Errors at night (a nightly batch contends with the database), slow requests at the peak.
  const failed = d < 0.3 ? 0.01 : 0.0002;
  const created = route.method === 'POST' ? 0.6 : 0;
  const fast = route.slow ? 0.3 : d > 0.7 ? 0.97 : 0.995;
  const underOne = route.slow ? 0.995 : 0.9995;
  return {
    status: {
      '503': failed,
      '404': 0.01,
      '429': 0.005,
      '201': created * (1 - failed - 0.015),
      '200': (1 - created) * (1 - failed - 0.015),
    },
    le: { '0.25': fast, '1': underOne },
  };
}

interface Series {
  /** The exposition line's name and labels. */
  key: string;
  route: Route;
  status: (typeof STATUSES)[number];
  le?: (typeof BUCKETS)[number];
}

const SERIES: Series[] = ROUTES.flatMap((route) =>
  STATUSES.flatMap((status) => {
    const labels = `job="accounts",instance="${INSTANCE}",http_route="${route.route}",http_request_method="${route.method}",http_response_status_code="${status}"`;
    return [
      { key: `${METRIC}_count{${labels}}`, route, status },
      ...BUCKETS.map((le) => ({ key: `${METRIC}_bucket{${labels},le="${le}"}`, route, status, le })),
    ];
  }),
);

/** Counter values of every series, advanced a minute at a time; resets every RESTART_EVERY_DAYS. */
class Counters {
  readonly values = new Float64Array(SERIES.length);
  constructor(public minute: number) {}

  /** Adds the events of minute `this.minute` and moves to the next one. */
  step(): void {
    const t = this.minute * MINUTE;
    const nextT = t + MINUTE;
    if (nextT % (RESTART_EVERY_DAYS * DAY) === 3 * 3600) {
      this.values.fill(0);
      this.minute++;
      return;
    }
    const d = diurnal(t);
    SERIES.forEach((s, i) => {
      const sh = shares(s.route, t);
      const requests = s.route.peak * d * MINUTE * sh.status[s.status];
      this.values[i]! += s.le === undefined ? requests : requests * sh.le[s.le];
    });
    this.minute++;
  }

  advanceTo(minute: number): void {
    while (this.minute < minute) this.step();
  }

  /** Whole counts, as a client library exposes them. */
  value(i: number): number {
    return Math.floor(this.values[i]!);
  }
}

// ---------------------------------------------------------------------------------------------

function requireTool(name: 'prometheus' | 'promtool'): string {
  // nosemgrep: gameday.child-process-shell-injection -- name is one of two literal tool names (its type)
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(
      `${name} is not on PATH: install it with \`node scripts/bootstrap.mjs --system\` (Debian package prometheus)`,
    );
  }
  return path;
}

async function write(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** The raw histogram from `fromMinute` to `toMinute` (inclusive) as OpenMetrics, without `# EOF`. */
async function writeRaw(
  file: string,
  fromMinute: number,
  toMinute: number,
): Promise<{ counters: Counters; samples: number }> {
  const out = createWriteStream(file);
  await write(out, `# TYPE ${METRIC} histogram\n`);
  // Counters start where a process would have been running for a while: advance a day first.
  const counters = new Counters(fromMinute - 1440);
  counters.advanceTo(fromMinute);
  let samples = 0;
  for (let m = fromMinute; m <= toMinute; m++) {
    const ts = ` ${m * MINUTE}\n`;
    let chunk = '';
    for (let i = 0; i < SERIES.length; i++) chunk += `${SERIES[i]!.key} ${counters.value(i)}${ts}`;
    samples += SERIES.length;
    await write(out, chunk);
    counters.step();
  }
  out.end();
  await once(out, 'finish');
  return { counters, samples };
}

/** Writes the files one after the other into `to`. */
async function concat(from: string[], to: string): Promise<void> {
  const out = createWriteStream(to);
  for (const file of from) {
    const input = createReadStream(file);
    input.pipe(out, { end: false });
    await once(input, 'end');
  }
  out.end();
  await once(out, 'finish');
}

function run(bin: string, args: string[], what: string): void {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
}

function backfill(promtool: string, file: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  // 1458 h blocks (the largest promtool's 2 h × 3^k steps allow under the flag): the file is read
  // once or twice instead of once per 2-hour block.
  run(
    promtool,
    ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', '--max-block-duration=1458h', file, dataDir],
    'promtool tsdb create-blocks-from openmetrics',
  );
}

/** The exporter that continues the backfilled counters, scraped like the service itself. */
async function startExporter(counters: Counters): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    counters.advanceTo(Math.floor(Date.now() / 1000 / MINUTE));
    const lines = [`# TYPE ${METRIC} histogram`];
    for (let i = 0; i < SERIES.length; i++) lines.push(`${SERIES[i]!.key} ${counters.value(i)}`);
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`${lines.join('\n')}\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

async function startPrometheus(
  bin: string,
  dir: string,
  dataDir: string,
  rules: string,
  exporterPort: number,
): Promise<RunningPrometheus> {
  const port = await freePort();
  const rulesFile = join(dir, `${Date.now()}.rules.yml`);
  writeFileSync(rulesFile, rules);
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      `global: { scrape_interval: 60s, evaluation_interval: ${EVALUATION_INTERVAL} }`,
      `rule_files: ['${rulesFile}']`,
      'scrape_configs:',
      // The exposition carries job and instance, as the backfilled series do.
      `  - { job_name: accounts, honor_labels: true, static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }] }`,
      '',
    ].join('\n'),
  );
  const log = createWriteStream(join(dir, `prometheus-${port}.log`));
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=365d',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited ${child.exitCode}: see ${join(dir, `prometheus-${port}.log`)}`);
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline)
      throw new Error(`prometheus not ready after 120 s: see ${join(dir, `prometheus-${port}.log`)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface ApiRule {
  name: string;
  evaluationTime: number;
}
interface ApiGroup {
  name: string;
  interval: number;
  lastEvaluation: string;
  evaluationTime: number;
  rules: ApiRule[];
}

async function apiGet<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/**
 * Polls /api/v1/rules until every group has enough evaluations after its first, and returns each
 * group's timings (the first evaluation faults the blocks in from disk: not steady).
 */
async function measure(
  prom: RunningPrometheus,
  evaluations: number,
  periodRule: (group: string) => string | undefined,
  log: (line: string) => void,
): Promise<GroupTiming[]> {
  const seen = new Map<string, { interval: number; times: number[]; periodTimes: number[]; last: string }>();
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    const data = await apiGet<{ groups: ApiGroup[] }>(`${prom.url}/api/v1/rules`);
    for (const g of data.groups) {
      const entry = seen.get(g.name) ?? { interval: g.interval, times: [], periodTimes: [], last: '' };
      if (g.lastEvaluation !== entry.last && !g.lastEvaluation.startsWith('0001')) {
        entry.last = g.lastEvaluation;
        entry.times.push(g.evaluationTime * 1000);
        const name = periodRule(g.name);
        const rule = name === undefined ? undefined : g.rules.find((r) => r.name === name);
        if (rule) entry.periodTimes.push(rule.evaluationTime * 1000);
      }
      seen.set(g.name, entry);
    }
    // `evaluations` at the alert groups' 30 s; as many as fit in that time for slower groups, and
    // at least three, after the first.
    const wanted = (intervalSeconds: number): number =>
      1 + Math.max(3, Math.ceil((evaluations * 30) / intervalSeconds));
    const waiting = [...seen.values()].filter((e) => e.times.length < wanted(e.interval)).length;
    if (seen.size > 0 && waiting === 0) break;
    if (Date.now() > deadline) throw new Error('rule groups did not evaluate within 20 minutes');
    log(`  ${seen.size - waiting}/${seen.size} groups measured…`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  };
  return [...seen].map(([group, e]) => {
    const steady = e.times.slice(1);
    const period = e.periodTimes.slice(1);
    return {
      group,
      interval: `${e.interval}s`,
      evaluations: steady.length,
      medianMs: median(steady),
      minMs: Math.min(...steady),
      maxMs: Math.max(...steady),
      periodRuleMs: period.length > 0 ? median(period) : undefined,
    };
  });
}

/** The increments the period groups record, read at their interval for the whole history. */
async function queryIncrements(
  prom: RunningPrometheus,
  slos: Slo[],
  fromMinute: number,
  toMinute: number,
): Promise<string> {
  const step = durationSeconds(PERIOD_GROUP_INTERVAL);
  const lines: string[] = [];
  for (const [name, query] of [
    [
      record.sliBadIncrease(PERIOD_GROUP_INTERVAL),
      (s: Slo) => sliQueries(s.sli).badIncrease(PERIOD_GROUP_INTERVAL),
    ],
    [
      record.sliTotalIncrease(PERIOD_GROUP_INTERVAL),
      (s: Slo) => sliQueries(s.sli).totalIncrease(PERIOD_GROUP_INTERVAL),
    ],
  ] as const) {
    lines.push(`# TYPE ${name} gauge`);
    for (const slo of slos) {
      const labels = `{slo_service="${slo.service}",slo_name="${slo.name}"}`;
      const promql = query(slo);
      if (promql === undefined) throw new Error(`${slo.service}/${slo.name} is not summed from increments`);
      // A day per query: query_range allows 11,000 points per series.
      for (let start = fromMinute; start <= toMinute; start += 1440) {
        const end = Math.min(toMinute, start + 1439);
        const params = new URLSearchParams({
          query: promql,
          start: String(start * MINUTE),
          end: String(end * MINUTE),
          step: String(step),
        });
        const data = await apiGet<{ result: Array<{ values: Array<[number, string]> }> }>(
          `${prom.url}/api/v1/query_range?${params}`,
        );
        for (const [t, v] of data.result[0]?.values ?? []) lines.push(`${name}${labels} ${v} ${t}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

async function instant(prom: RunningPrometheus, query: string, time: number): Promise<number> {
  const params = new URLSearchParams({ query, time: String(time) });
  const data = await apiGet<{ result: Array<{ value: [number, string] }> }>(
    `${prom.url}/api/v1/query?${params}`,
  );
  const v = data.result[0]?.value[1];
  if (v === undefined) throw new Error(`${query} returned nothing at ${time}`);
  return Number(v);
}

export async function benchSloScale(log: (line: string) => void): Promise<SloScaleResult> {
  const prometheus = requireTool('prometheus');
  const promtool = requireTool('promtool');
  const evaluations = Number(process.env.BENCH_SLO_SCALE_EVALUATIONS ?? 4);
  const specFile = 'slo/specs/accounts.yaml';
  const service = parseSpec(
    { file: specFile, text: readFileSync(join(REPO_ROOT, specFile), 'utf8') },
    { windows: loadWindows() },
  );
  const windows = loadWindows();
  const before: RuleGroup[] = service.slos.map((s) => rawCounterRuleGroup(s, windows.get(s.period)!));
  const after: RuleGroup[] = service.slos.flatMap((s) => sloRuleGroups(s, windows.get(s.period)!));

  const dir = mkdtempSync(join(tmpdir(), 'gameday-slo-scale-'));
  const keep = process.env.BENCH_KEEP === '1';
  let exporter: Server | undefined;
  const running: RunningPrometheus[] = [];
  try {
    const nowMinute = Math.floor(Date.now() / 1000 / MINUTE) - 1;
    const fromMinute = nowMinute - HISTORY_SECONDS / MINUTE;
    const rawFile = join(dir, 'raw.om');
    log(`slo-scale: writing ${HISTORY_SECONDS / DAY} days × ${SERIES.length} series at 60 s as OpenMetrics…`);
    let t0 = Date.now();
    const { counters, samples } = await writeRaw(rawFile, fromMinute, nowMinute);
    const generateSeconds = (Date.now() - t0) / 1000;
    const openMetricsBytes = statSync(rawFile).size;
    writeFileSync(join(dir, 'eof'), '# EOF\n');
    const withEof = join(dir, 'raw-eof.om');
    await concat([rawFile, join(dir, 'eof')], withEof);
    log(
      `slo-scale: ${samples.toLocaleString('en')} samples, ${(openMetricsBytes / 1e9).toFixed(2)} GB in ${generateSeconds.toFixed(1)} s; backfilling…`,
    );
    t0 = Date.now();
    backfill(promtool, withEof, join(dir, 'before'));
    const backfillSeconds = (Date.now() - t0) / 1000;
    rmSync(withEof);
    log(`slo-scale: backfilled in ${backfillSeconds.toFixed(1)} s`);

    const ex = await startExporter(counters);
    exporter = ex.server;

    log(
      `slo-scale: the previous rules (raw counters for every window), ${evaluations} evaluations per group…`,
    );
    const promBefore = await startPrometheus(
      prometheus,
      dir,
      join(dir, 'before'),
      renderRuleFile(before, specFile),
      ex.port,
    );
    running.push(promBefore);
    const beforeTimings = await measure(promBefore, evaluations, () => 'slo:sli_error:ratio_rate30d', log);
    log('slo-scale: reading the increments a month of period-group evaluations would have recorded…');
    t0 = Date.now();
    // Aligned to the period group's interval, as its evaluations would be.
    const first = Math.ceil((fromMinute + 10) / 2) * 2;
    const increments = await queryIncrements(promBefore, service.slos, first, nowMinute);
    const incrementsQuerySeconds = (Date.now() - t0) / 1000;
    await promBefore.stop();
    running.pop();

    const combined = join(dir, 'combined.om');
    writeFileSync(join(dir, 'increments.om'), `${increments}# EOF\n`);
    await concat([rawFile, join(dir, 'increments.om')], combined);
    rmSync(rawFile);
    log('slo-scale: backfilling the raw data with the increments…');
    backfill(promtool, combined, join(dir, 'after'));
    rmSync(combined);

    log(`slo-scale: the generated rules, ${evaluations} evaluations per group…`);
    const promAfter = await startPrometheus(
      prometheus,
      dir,
      join(dir, 'after'),
      renderRuleFile(after, specFile),
      ex.port,
    );
    running.push(promAfter);
    const afterTimings = await measure(
      promAfter,
      evaluations,
      (g) => (g.endsWith('-period') ? 'slo:sli_error:ratio_rate30d' : undefined),
      log,
    );

    const period: PeriodCheck[] = [];
    const groups = await apiGet<{ groups: ApiGroup[] }>(`${promAfter.url}/api/v1/rules`);
    for (const slo of service.slos) {
      const group = groups.groups.find((g) => g.name === `slo-${slo.service}-${slo.name}-period`)!;
      const at = Date.parse(group.lastEvaluation) / 1000;
      const sel = `{slo_service="${slo.service}",slo_name="${slo.name}"}`;
      const summed = await instant(promAfter, `slo:sli_error:ratio_rate30d${sel}`, at);
      const raw = await instant(promAfter, sliQueries(slo.sli).errorRatio('30d'), at);
      period.push({
        slo: `${slo.service}/${slo.name}`,
        summed,
        raw,
        relativeGap: Math.abs(summed / raw - 1),
      });
    }
    return {
      series: SERIES.length,
      samples,
      openMetricsBytes,
      generateSeconds,
      backfillSeconds,
      incrementsQuerySeconds,
      before: beforeTimings,
      after: afterTimings,
      period,
    };
  } finally {
    for (const p of running) await p.stop().catch(() => undefined);
    if (exporter) await new Promise((r) => exporter!.close(r));
    if (keep) log(`slo-scale: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

export const SLO_SCALE_TARGETS = { groupMs: TARGET_MS, ratioGap: TARGET_RATIO_GAP };
