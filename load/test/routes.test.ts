// The k6 scripts' route tags, read from their source (no k6, no services): each names a route the
// tagged service really serves (its routes.ts), so k6 metrics carry route templates, never raw paths,
// and the thresholds derived from the SLO specs filter on the values the journeys send. Every route an
// SLO threshold names is tagged by some journey, so no threshold passes only for lack of traffic,
// save the routes listed below with the reason the journeys leave them out.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routes as accounts } from '../../apps/accounts/src/routes';
import { routes as casino } from '../../apps/casino/src/routes';
import { routes as events } from '../../apps/events/src/routes';
import { routes as leaderboard } from '../../apps/leaderboard/src/routes';
import { routes as pokemon } from '../../apps/pokemon/src/routes';
import { routes as scheduler } from '../../apps/scheduler/src/routes';
import { routes as wallet } from '../../apps/wallet/src/routes';

const LOAD = join(__dirname, '..');
const REPO = join(LOAD, '..');

const SERVED: Record<string, string[]> = Object.fromEntries(
  Object.entries({ accounts, casino, events, leaderboard, pokemon, scheduler, wallet }).map(([s, rs]) => [
    s,
    rs.map((r) => r.path),
  ]),
);

/** Routes with an SLO threshold that no journey calls, and why. */
const NOT_IN_JOURNEYS: Record<string, string> = {
  '/api/v1/tournaments/:id/entries':
    'tournaments are created by an admin and start on a schedule: a visit of a minute cannot play one',
};

/** (service, route) pairs of load/*.ts and load/lib/*.ts: `params('<service>', '<route>'` and the probes. */
function routeTags(): { file: string; service: string; route: string }[] {
  const files = [
    ...readdirSync(LOAD).filter((f) => f.endsWith('.ts')),
    ...readdirSync(join(LOAD, 'lib'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join('lib', f)),
  ];
  const tags: { file: string; service: string; route: string }[] = [];
  for (const file of files) {
    const source = readFileSync(join(LOAD, file), 'utf8');
    const patterns = [/params\(\s*'(\w+)',\s*'([^']*)'/g, /service:\s*'(\w+)',\s*route:\s*'([^']*)'/g];
    for (const re of patterns)
      for (const m of source.matchAll(re)) tags.push({ file, service: m[1]!, route: m[2]! });
  }
  return tags;
}

describe('load: route tags', () => {
  const tags = routeTags();

  it('tag every request the journeys make with a route its service serves', () => {
    expect(tags.length).toBeGreaterThan(30);
    const unknown = tags.filter((t) => !SERVED[t.service]?.includes(t.route));
    expect(unknown).toEqual([]);
  });

  it('give every route an SLO threshold filters on some traffic', () => {
    const printed = spawnSync(process.execPath, [join(REPO, 'scripts', 'k6-thresholds.mjs')], {
      encoding: 'utf8',
    });
    expect(printed.status).toBe(0);
    const filtered = Object.keys(JSON.parse(printed.stdout) as Record<string, string[]>).flatMap((key) => {
      const filter = /\{(.*)\}$/.exec(key)?.[1] ?? '';
      // `service:pokemon,route:/api/v1/pokemon/battles/:id/choices,method:POST`: split at each first colon.
      const tag = Object.fromEntries(
        filter.split(',').map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]),
      );
      return tag['route'] ? [{ service: tag['service']!, route: tag['route'] }] : [];
    });
    expect(filtered.length).toBeGreaterThan(0);
    const untagged = filtered.filter(
      (f) => !NOT_IN_JOURNEYS[f.route] && !tags.some((t) => t.service === f.service && t.route === f.route),
    );
    expect(untagged).toEqual([]);
  });
});
