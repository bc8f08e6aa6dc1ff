import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration } from '../src/duration';
import { generateFromSpecs, parseSpec, sliQueries, type Slo } from '../src';
import { loadWindows } from '../src/windows';
import { requireTool, runTool } from './helpers';

// The period ratio is summed from the period group's recorded increments, the bad and total events
// since its previous run (slo/src/rules/sli-rules.ts), instead of reading every raw counter over
// the whole period. This drives the generated rules
// through promtool with traffic as uneven as a real service's, over more than a 7-day period
// (scraped and evaluated every 2 minutes: promtool refuses ranges of over 10,000 samples), and
// holds the summed ratio to the raw-counter rate over the same window.
//
// Traffic: 20 requests/s from 08:00 to midnight, 2/s at night. Availability and job failures are
// concentrated at night (5% of night requests fail, 0.05% by day); slow requests at the peak (3% by
// day, 0.2% at night). The mean of 5-minute ratios (what sloth records) is off by a factor on such
// traffic; the summed ratio must not be. Along the way the process restarts (every counter back to
// 0), Prometheus misses two scrapes in a row where errors are densest, and the first checks come
// before a full period. (A gap longer than the 5-minute lookback drops the events it spans from
// both sums: slo/README.md says so.)
jest.setTimeout(300_000);

const MINUTE = 60;
const SCRAPE = 2 * MINUTE;
const DAY = 86_400;
const SPEC = `version: gameday/v1
service: shop
slos:
  - name: availability
    objective: 99.9
    period: 7d
    sli: { kind: http-availability }
  - name: latency
    objective: 99
    period: 7d
    sli: { kind: http-latency, threshold: 0.25 }
  - name: jobs
    objective: 99.5
    period: 7d
    sli:
      kind: ratio
      bad: sum(rate(shop_jobs_total{job="shop",result="failed"}[{{window}}]))
      total: sum(rate(shop_jobs_total{job="shop"}[{{window}}]))
`;

interface Minute {
  rps: number;
  failed: number;
  slow: number;
}

/** What happened in the minute that starts at `t` seconds. */
function traffic(t: number): Minute {
  const hour = (t % DAY) / 3600;
  const night = hour < 8;
  return night ? { rps: 2, failed: 0.05, slow: 0.002 } : { rps: 20, failed: 0.0005, slow: 0.03 };
}

const END = 8 * DAY + 6 * 3600;
/** The process restarts here: every counter starts again from 0. */
const RESTART = 3 * DAY + 14 * 3600;
/** Prometheus misses the scrapes in these minutes (at night, where errors are densest). */
const GAP = { from: 4 * DAY + 2 * 3600, minutes: 4 };

const http = (status: string, extra = ''): string =>
  `http_server_request_duration_seconds_${extra ? 'bucket' : 'count'}{job="shop",http_route="/api/v1/things",http_request_method="GET",http_response_status_code="${status}"${extra}}`;

/** Each series and the share of a minute's requests it counts. */
const SERIES: Array<{ series: string; share: (m: Minute) => number }> = [
  { series: http('200'), share: (m) => 1 - m.failed },
  { series: http('503'), share: (m) => m.failed },
  // Failures are answered fast; of the successes, `slow` take longer than 250ms.
  { series: http('200', ',le="0.25"'), share: (m) => 1 - m.failed - m.slow },
  { series: http('503', ',le="0.25"'), share: (m) => m.failed },
  { series: 'shop_jobs_total{job="shop",result="ok"}', share: (m) => 1 - m.failed },
  { series: 'shop_jobs_total{job="shop",result="failed"}', share: (m) => m.failed },
];

/** promtool's notation for a counter scraped every minute: runs of equal steps, `_` for a missed scrape. */
function values(share: (m: Minute) => number): string {
  const samples: Array<number | undefined> = [];
  let value = 0;
  for (let t = 0; t <= END; t += SCRAPE) {
    if (t === RESTART) value = 0;
    const missed = t >= GAP.from && t < GAP.from + GAP.minutes * MINUTE;
    samples.push(missed ? undefined : value);
    const m = traffic(t);
    value += m.rps * SCRAPE * share(m);
  }
  const parts: string[] = [];
  for (let i = 0; i < samples.length;) {
    const v = samples[i];
    if (v === undefined) {
      let n = 0;
      while (samples[i + n] === undefined && i + n < samples.length) n++;
      parts.push(`_x${n}`);
      i += n;
      continue;
    }
    let n = 1;
    const next = samples[i + 1];
    const step = next === undefined ? 0 : next - v;
    while (next !== undefined && i + n + 1 < samples.length && samples[i + n + 1] !== undefined) {
      if (Math.abs(samples[i + n + 1]! - samples[i + n]! - step) > 1e-9) break;
      n++;
    }
    parts.push(n === 1 ? `${v}` : `${v}+${round(step)}x${n - 1}`);
    i += n;
  }
  return parts.join(' ');
}

function round(x: number): number {
  return Number(x.toPrecision(12));
}

const slos: Slo[] = parseSpec({ file: 'slo/specs/shop.yaml', text: SPEC }, { windows: loadWindows() }).slos;
const sel = (slo: Slo): string => `{slo_service="${slo.service}",slo_name="${slo.name}"}`;
/** The exact ratio: rate() over the raw counters for the whole window, as the previous rules read it. */
const raw = (slo: Slo, window: string): string => `(${sliQueries(slo.sli).errorRatio(window)})`;

interface Check {
  expr: string;
  eval_time: string;
  exp_samples: Array<{ labels: string; value: number }>;
}

const relativeGap = (cheap: string, exact: string): string => `abs(${cheap} / on() ${exact} - 1)`;

describe('the period ratio summed from recorded increments', () => {
  const promtool = requireTool('promtool');
  const dir = mkdtempSync(join(tmpdir(), 'gameday-period-'));
  const rules = generateFromSpecs([{ file: 'slo/specs/shop.yaml', text: SPEC }], {
    skipTests: true,
  }).files.find((f) => f.path.endsWith('shop.slo.rules.yml'))!;
  writeFileSync(join(dir, 'shop.rules.yml'), rules.content);

  it('equals the raw-counter ratio within 0.1% through uneven traffic, a restart, missed scrapes and a fresh stack', async () => {
    // Half a day in (a fresh stack), just before midnight, after the restart, an hour after the
    // missed scrapes, and past a whole period twice (the restart and the gap still inside it).
    const times = [
      1.5 * DAY,
      2 * DAY - 30 * MINUTE,
      RESTART + 2 * 3600,
      GAP.from + 3600,
      7 * DAY + 8 * 3600,
      END,
    ];
    const holds = (expr: string, t: number): Check => ({
      expr,
      eval_time: formatDuration(t),
      exp_samples: [{ labels: '{}', value: 1 }],
    });
    const checks: Check[] = [];
    for (const slo of slos) {
      for (const t of times) {
        checks.push(
          holds(`${relativeGap(`slo:sli_error:ratio_rate7d${sel(slo)}`, raw(slo, '7d'))} < bool 0.001`, t),
        );
        // The day-long ticket window is summed the same way. Prometheus 2 ranges include their
        // start, so one base sample in 720 (at these 2-minute steps) is counted at both ends of
        // the day: within 0.5% here, one in 1,440 at the period group's minute.
        checks.push(
          holds(`${relativeGap(`slo:sli_error:ratio_rate1d${sel(slo)}`, raw(slo, '1d'))} < bool 0.005`, t),
        );
        // The check can fail: the mean of 5-minute ratios (sloth's period SLI) is far off on this traffic.
        checks.push(
          holds(
            `${relativeGap(`avg_over_time(slo:sli_error:ratio_rate5m${sel(slo)}[7d])`, raw(slo, '7d'))} > bool 0.2`,
            t,
          ),
        );
      }
    }
    const test = {
      rule_files: ['shop.rules.yml'],
      evaluation_interval: formatDuration(SCRAPE),
      group_eval_order: [
        ...slos.map((s) => `slo-shop-${s.name}-period`),
        ...slos.map((s) => `slo-shop-${s.name}`),
      ],
      tests: [
        {
          interval: formatDuration(SCRAPE),
          input_series: SERIES.map((s) => ({ series: s.series, values: values(s.share) })),
          promql_expr_test: checks,
        },
      ],
    };
    writeFileSync(join(dir, 'period.test.yml'), JSON.stringify(test, null, 1));
    const result = await runTool(promtool, ['test', 'rules', join(dir, 'period.test.yml')], dir);
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});
