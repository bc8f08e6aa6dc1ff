// What an image says about itself: the tag `<service>-DDMMYYYY-HHMM-<short sha>` (UTC; the delivery
// contract), the semantic version on releases (a `vX.Y.Z` git tag on the commit), and the OCI labels.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildIdentity {
  /** package.json's version, or the release tag's when the commit is tagged vX.Y.Z. */
  version: string;
  /** The full commit hash (40 hex). */
  revision: string;
  /** When the build started (ISO 8601, UTC, seconds). */
  created: string;
  /** The release's semantic version when the commit carries a `vX.Y.Z` tag. */
  release?: string;
  /** Uncommitted changes in the tree when built (the revision alone does not describe it). */
  dirty: boolean;
  /** Where the source lives (org.opencontainers.image.source). */
  source: string;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** An OCI tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
export const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** The contract's tag shape. */
export const IMAGE_TAG = /^([a-z0-9-]+)-(\d{2})(\d{2})(\d{4})-(\d{2})(\d{2})-([0-9a-f]{7,12})$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** `wallet-07122026-2245-ee66b69` for wallet built at 2026-12-07T22:45Z from ee66b69…. */
export function imageTag(name: string, created: Date, revision: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new Error(`image name ${JSON.stringify(name)} is not a-z0-9-`);
  if (!/^[0-9a-f]{7,40}$/.test(revision)) throw new Error(`revision ${JSON.stringify(revision)} is not hex`);
  if (Number.isNaN(created.getTime())) throw new Error('the build time is not a valid date');
  const d = created;
  const stamp = `${pad(d.getUTCDate())}${pad(d.getUTCMonth() + 1)}${d.getUTCFullYear()}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
  return `${name}-${stamp}-${revision.slice(0, 7)}`;
}

/** The tags an image gets: always the dated one; on a release also the semantic version. */
export function imageTags(name: string, id: BuildIdentity): string[] {
  const tags = [imageTag(name, new Date(id.created), id.revision)];
  if (id.release) tags.push(id.release);
  for (const t of tags) if (!OCI_TAG.test(t)) throw new Error(`${t} is not a valid OCI tag`);
  return tags;
}

/** The OCI annotations/labels (org.opencontainers.image.*) of an image. */
export function ociLabels(
  image: { name: string; description: string },
  id: BuildIdentity,
  base: { name: string; digest?: string },
): Record<string, string> {
  return {
    'org.opencontainers.image.title': `gameday-${image.name}`,
    'org.opencontainers.image.description': image.description,
    'org.opencontainers.image.source': id.source,
    'org.opencontainers.image.revision': id.revision,
    'org.opencontainers.image.created': id.created,
    'org.opencontainers.image.version': id.version,
    'org.opencontainers.image.licenses': 'Apache-2.0',
    'org.opencontainers.image.vendor': 'gameday',
    'org.opencontainers.image.base.name': base.name,
    ...(base.digest ? { 'org.opencontainers.image.base.digest': base.digest } : {}),
  };
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The identity of a build of the tree at `root` now (or at `now`). */
export function buildIdentity(root: string, now = new Date()): BuildIdentity {
  const revision = git(root, ['rev-parse', 'HEAD']);
  if (!revision || !/^[0-9a-f]{40}$/.test(revision)) {
    throw new Error(
      `${root} is not a git checkout with a commit (git rev-parse HEAD failed): images are tagged with the commit they are built from. Commit first.`,
    );
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const tags = (git(root, ['tag', '--points-at', 'HEAD']) ?? '').split('\n').filter(Boolean);
  const release = tags
    .map((t) => /^v(.+)$/.exec(t)?.[1])
    .find((v): v is string => v !== undefined && SEMVER.test(v));
  const remote = git(root, ['config', '--get', 'remote.origin.url']);
  return {
    version: release ?? pkg.version,
    revision,
    created: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(release ? { release } : {}),
    dirty: (git(root, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    source: sourceUrl(remote),
  };
}

/** https://github.com/<owner>/<repo> from a remote URL (ssh or https); the project's home otherwise. */
export function sourceUrl(remote: string | undefined): string {
  const m = remote ? /github\.com[:/]([^/]+)\/([^/]+?)(?:\.git)?$/.exec(remote) : null;
  return m ? `https://github.com/${m[1]}/${m[2]}` : 'https://github.com/gameday/gameday';
}
