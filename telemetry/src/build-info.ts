// What a running service says it is (ARCHITECTURE.md §2, contract): `GET /version` and the
// `gameday_build_info{service,version,revision}` gauge (Prometheus's convention: always 1, the facts in
// labels). An image sets GAMEDAY_VERSION, GAMEDAY_REVISION and GAMEDAY_BUILD_TIME when it is built;
// from a checkout the version is the root package.json's and the revision is read from .git (files
// only: no git process).
/* eslint-disable security/detect-non-literal-fs-filename -- it reads package.json and files under .git
   found by walking up from this module's own folder, never a path that comes from a request. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface BuildInfo {
  service: string;
  version: string;
  revision: string;
  /** When the image was built (ISO 8601); null from a checkout. */
  build_time: string | null;
  node: string;
}

/** The repository (or image) root: the nearest folder up from here whose package.json has workspaces. */
function root(from = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // not JSON: keep looking
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function packageVersion(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The commit checked out in `dir`, from .git's files (HEAD, a loose ref or packed-refs). */
export function gitRevision(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  try {
    const gitDir = join(dir, '.git');
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return undefined;
    const loose = join(gitDir, ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
    // eslint-disable-next-line security/detect-non-literal-regexp -- the ref name is escaped
    return new RegExp(`^([0-9a-f]{40}) ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').exec(
      packed,
    )?.[1];
  } catch {
    return undefined;
  }
}

export function buildInfo(
  service: string,
  env: {
    GAMEDAY_VERSION?: string | undefined;
    GAMEDAY_REVISION?: string | undefined;
    GAMEDAY_BUILD_TIME?: string | undefined;
  },
): BuildInfo {
  const dir = root();
  return {
    service,
    version: env.GAMEDAY_VERSION ?? packageVersion(dir) ?? '0.0.0',
    revision: env.GAMEDAY_REVISION ?? gitRevision(dir) ?? 'unknown',
    build_time: env.GAMEDAY_BUILD_TIME ?? null,
    node: process.version,
  };
}
