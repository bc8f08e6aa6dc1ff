#!/usr/bin/env node
// The supply-chain checkers the project builds from source with Go, like k6 and Toxiproxy:
//   actionlint  lints .github/workflows (with Debian's shellcheck for `run:` scripts)
//   cosign      signs images and their SBOM attestations, and verifies them (key-based here;
//               keyless with GitHub's OIDC token in .github/workflows/images.yml)
//   gitleaks    finds secrets committed to the tree
//   tflint      lints terraform/ with its bundled terraform ruleset only (.tflint.hcl: no plugin
//               can be downloaded here, so no AWS ruleset)
// Each: `go install <module>@<version>`, once, into a cache.
//
//   node scripts/supply-chain-tools.mjs            build them all (once) and print their versions
//   node scripts/supply-chain-tools.mjs path NAME  build NAME (once) and print its path (only that)
//
// Cache: GAMEDAY_TOOLS_CACHE, default <repo>/node_modules/.cache/gameday-<name>/<version>/bin.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { goExecutable, repoRoot } from './k6.mjs';
import { goInstall } from './lib/go-install.mjs';

export class SupplyChainSetupError extends Error {}

export const TOOLS = {
  actionlint: {
    module: 'github.com/rhysd/actionlint/cmd/actionlint',
    version: 'v1.7.12',
    versionArgs: ['-version'],
    minutes: 'about a minute',
  },
  cosign: {
    module: 'github.com/sigstore/cosign/v3/cmd/cosign',
    version: 'v3.1.3',
    versionArgs: ['version', '--json'],
    minutes: 'a few minutes',
  },
  gitleaks: {
    module: 'github.com/zricethezav/gitleaks/v8',
    version: 'v8.30.1',
    versionArgs: ['version'],
    minutes: 'about a minute',
  },
  tflint: {
    module: 'github.com/terraform-linters/tflint',
    version: 'v0.64.0',
    versionArgs: ['--version'],
    minutes: 'a few minutes',
  },
};

export function toolBinary(name, { root = repoRoot, env = process.env } = {}) {
  const tool = TOOLS[name];
  if (!tool) throw new SupplyChainSetupError(`unknown tool ${name}: one of ${Object.keys(TOOLS).join(', ')}`);
  const base = resolve(env.GAMEDAY_TOOLS_CACHE ?? join(root, 'node_modules', '.cache'));
  const exe = tool.module.split('/').at(-1) === 'v8' ? 'gitleaks' : tool.module.split('/').at(-1);
  return join(base, `gameday-${name}`, tool.version, 'bin', exe);
}

export function toolVersion(name, bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, TOOLS[name].versionArgs, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return undefined;
  const out = `${r.stdout}${r.stderr}`.trim();
  if (name === 'cosign') {
    try {
      return `cosign ${JSON.parse(out).gitVersion}`;
    } catch {
      return `cosign ${out.split('\n')[0]}`;
    }
  }
  return `${name} ${out.split('\n')[0]}`;
}

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[tools]\x1b[0m ${msg}\n`);

export function ensureTool(name, { root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const tool = TOOLS[name];
  const bin = toolBinary(name, { root, env });
  return goInstall({
    go: () => goExecutable(env),
    module: tool.module,
    version: tool.version,
    dir: join(bin, '..', '..'),
    bin,
    works: (b) => toolVersion(name, b),
    env,
    progress,
    name,
    SetupError: SupplyChainSetupError,
    rerun: `node scripts/supply-chain-tools.mjs path ${name}`,
    timeoutMinutes: 20,
    announce: `building ${name} ${tool.version} (go install ${tool.module}@${tool.version}), ${tool.minutes}…`,
  });
}

export function ensureSupplyChainTools(opts = {}) {
  return Object.fromEntries(Object.keys(TOOLS).map((name) => [name, ensureTool(name, opts)]));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const [cmd, name] = process.argv.slice(2);
    if (cmd === 'path') {
      process.stdout.write(`${ensureTool(name, { progress: () => {} })}\n`);
    } else {
      const bins = ensureSupplyChainTools();
      for (const [n, b] of Object.entries(bins)) process.stdout.write(`${toolVersion(n, b)}: ${b}\n`);
    }
  } catch (err) {
    if (err instanceof SupplyChainSetupError) {
      process.stderr.write(`\x1b[31m[tools] ${err.message}\x1b[0m\n`);
      process.exit(1);
    }
    throw err;
  }
}
