#!/usr/bin/env node
// k6 thresholds from the SLO specs (slo/specs/*.yaml), so a load test fails where an SLO would burn:
//   http-latency  objective O, threshold T s  ->  http_req_duration{service:S}: ['p(O)<T*1000']
//   http-availability objective O             ->  http_req_failed{service:S}: ['rate<(100-O)/100']
// An SLO with `routes` (and `methods`) gets one threshold per route and method, on the route template
// load/lib/api.ts tags each request with. The gateway's SLOs cover every request (all go through it),
// so they apply to the untagged metric. Ratio SLOs (freshness, reconciliation) are not request
// metrics and have no threshold here. Nor has an SLO with `excludeRoutes` (accounts/latency: every
// route but sign-up and login): a k6 tag filter only matches equal values and cannot leave routes
// out; the routes it leaves out have an SLO of their own (accounts/password-latency), checked route
// by route. http_req_failed counts only 5xx and network errors
// (load/main.ts sets the expected statuses to 200..499), as the SLOs do.
//
//   node scripts/k6-thresholds.mjs      print the thresholds as JSON (what GAMEDAY_THRESHOLDS holds)
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** YAML parsing with what node_modules has: the `yaml` package, else js-yaml. */
function yamlParser(root) {
  const require = createRequire(join(root, 'package.json'));
  try {
    const { parse } = require('yaml');
    return parse;
  } catch {
    try {
      const { load } = require('js-yaml');
      return load;
    } catch {
      throw new Error(
        'neither `yaml` nor `js-yaml` is installed: run npm install (node scripts/bootstrap.mjs)',
      );
    }
  }
}

/** A number without float noise: 100 - 99.9 -> 0.1, not 0.09999999999999432. */
const round = (n) => Number(n.toPrecision(10));

export function sloThresholds({ root = repoRoot, specsDir = join(root, 'slo', 'specs') } = {}) {
  const parse = yamlParser(root);
  const thresholds = {};
  const add = (metric, tags, expr) => {
    const filter = Object.entries(tags)
      .map(([k, v]) => `${k}:${v}`)
      .join(',');
    const key = filter ? `${metric}{${filter}}` : metric;
    const list = (thresholds[key] ??= []);
    if (!list.includes(expr)) list.push(expr);
  };
  for (const file of readdirSync(specsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const spec = parse(readFileSync(join(specsDir, file), 'utf8'));
    const service = spec?.service;
    if (typeof service !== 'string') throw new Error(`${join(specsDir, file)}: no service`);
    for (const slo of spec.slos ?? []) {
      const { kind, routes, excludeRoutes, methods, threshold } = slo.sli ?? {};
      const objective = Number(slo.objective);
      if (!(objective > 0 && objective < 100)) continue;
      if (excludeRoutes?.length > 0) continue;
      const base = service === 'gateway' ? {} : { service };
      const selections =
        routes?.length > 0
          ? routes.flatMap((route) =>
              (methods?.length > 0 ? methods : [undefined]).map((method) => ({
                ...base,
                route,
                ...(method ? { method: method.toUpperCase() } : {}),
              })),
            )
          : [base];
      for (const tags of selections) {
        if (kind === 'http-latency' && Number(threshold) > 0) {
          add('http_req_duration', tags, `p(${round(objective)})<${round(Number(threshold) * 1000)}`);
        } else if (kind === 'http-availability') {
          add('http_req_failed', tags, `rate<${round((100 - objective) / 100)}`);
        }
      }
    }
  }
  return thresholds;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(sloThresholds(), null, 2) + '\n');
}
