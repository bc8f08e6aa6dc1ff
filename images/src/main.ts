// `npm run images`: builds every image (or those named), pushes them to a local registry, writes
// their SBOMs, signs them with cosign and smoke-tests them (a jest file that runs the player journeys
// on the images). See images/README.md.
import { spawnSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImages, reportTable } from './build';
import { updateBaseLock } from './base';
import { startRegistry } from './registry';
import type { LocalRegistry } from './registry';
import { ImageBuildError, goTool } from './tools';

const USAGE = `usage: npm run images -- [NAME ...] [options]

Builds the gameday images (every service and the chaos controller, or the NAMEs given) with buildah,
pushes them to a local registry, writes a CycloneDX SBOM for each, signs them and their SBOMs with
cosign, verifies the signatures and smoke-tests every image.

options:
  --changed-since REF   only the images whose inputs changed since this git ref
  --push REGISTRY       push to this registry (host[/path]) instead of starting a local one
  --registry-port N     the local registry's port on 127.0.0.1 (default 5000)
  --no-sign             do not sign (GitHub Actions signs keyless instead)
  --no-smoke            do not run the smoke test
  --out DIR             where archives, SBOMs, keys and report.json go (default .gameday/images)
  --update-base-lock    rewrite images/base/packages.lock from apt's candidates, then stop
  -h, --help            this text`;

const root = resolve(__dirname, '..', '..');
const progress = (msg: string) => process.stderr.write(`\x1b[36m[images]\x1b[0m ${msg}\n`);

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'changed-since': { type: 'string' },
        push: { type: 'string' },
        'registry-port': { type: 'string', default: process.env.GAMEDAY_REGISTRY_PORT ?? '5000' },
        'no-sign': { type: 'boolean', default: false },
        'no-smoke': { type: 'boolean', default: false },
        out: { type: 'string' },
        'update-base-lock': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (v['update-base-lock']) {
    const file = await updateBaseLock(root, progress);
    progress(`wrote ${relative(root, file)}: review the diff, build, and commit it`);
    return 0;
  }
  const port = Number(v['registry-port']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`--registry-port must be a port number (1-65535), got ${v['registry-port']}\n`);
    return 2;
  }
  const out = resolve(v.out ?? join(root, '.gameday', 'images'));
  let registry: LocalRegistry | undefined;
  try {
    if (!v.push) registry = await startRegistry({ dir: join(out, 'registry'), port, progress });
    const cosign = v['no-sign'] ? undefined : goTool(root, 'cosign');
    const report = await buildImages({
      root,
      out,
      names: positionals,
      ...(v['changed-since'] ? { changedSince: v['changed-since'] } : {}),
      registry: v.push ?? registry!.host,
      ...(cosign ? { cosign } : {}),
      progress,
    });
    process.stdout.write(`${reportTable(report)}\n`);
    progress(`report: ${relative(root, join(out, 'report.json'))}; SBOMs and OCI archives beside it`);
    if (!v['no-smoke'] && report.images.length > 0) {
      progress('smoke test: every image starts under buildah run and serves the player journeys (jest)…');
      const jest = spawnSync(
        join(root, 'node_modules', '.bin', 'jest'),
        ['--runTestsByPath', join(root, 'images', 'test', 'images.test.ts'), '--runInBand'],
        {
          cwd: root,
          stdio: 'inherit',
          env: { ...process.env, GAMEDAY_IMAGES_REPORT: join(out, 'report.json') },
        },
      );
      if (jest.status !== 0) {
        progress(`the smoke test failed (exit ${jest.status}): its output is above`);
        return 1;
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof ImageBuildError) {
      process.stderr.write(`\x1b[31m[images] ${err.message}\x1b[0m\n`);
      return 1;
    }
    throw err;
  } finally {
    await registry?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
