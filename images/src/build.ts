// The image pipeline: base → for each image: trace and stage its files, buildah build, OCI archive,
// push, SBOM, sign → report (.gameday/images/report.json).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { archiveSizes } from './archive';
import type { BaseImage } from './base';
import { ensureBase } from './base';
import type { ImageSpec } from './catalogue';
import { IMAGES } from './catalogue';
import type { BuildIdentity } from './identity';
import { buildIdentity, imageTags, ociLabels } from './identity';
import { imageBom, npmBom } from './sbom';
import type { CdxBom } from './sbom';
import { Cosign } from './sign';
import type { CosignKey } from './sign';
import { stageApp, traceFiles } from './stage';
import { Buildah, ImageBuildError } from './tools';

export const IMAGE_SIZE_BUDGET_BYTES = 200 * 1000 * 1000;
export const REPORT_VERSION = 1;

export interface BuiltImage {
  name: string;
  kind: ImageSpec['kind'];
  tag: string;
  tags: string[];
  /** The local name in buildah's store. */
  local: string;
  /** <registry>/gameday/<name>:<tag> when pushed. */
  ref?: string;
  /** The manifest digest in the registry. */
  digest?: string;
  archive: string;
  sbom: string;
  files: number;
  appBytes: number;
  sizeBytes: number;
  compressedBytes: number;
  buildSeconds: number;
  signed: boolean;
}

export interface ImagesReport {
  version: number;
  identity: BuildIdentity;
  base: {
    ref: string;
    packages: BaseImage['packages'];
    node: BaseImage['node'];
    seconds: number;
    built: boolean;
  };
  registry?: string;
  publicKey?: string;
  images: BuiltImage[];
  totalSeconds: number;
}

export interface BuildOptions {
  root: string;
  /** Where archives, SBOMs, the key and the report go (default <root>/.gameday/images). */
  out: string;
  names?: readonly string[];
  /** Only images whose inputs changed since this git ref. */
  changedSince?: string;
  /** Push here (host[:port]); plain HTTP only for 127.0.0.1/localhost. */
  registry?: string;
  /** Sign with this cosign binary and a key pair under `out` (skipped when absent). */
  cosign?: string;
  env?: NodeJS.ProcessEnv;
  progress?: (msg: string) => void;
  now?: Date;
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** The images to build: by name, or those whose inputs changed since a ref. */
export async function selectImages(
  opts: Pick<BuildOptions, 'root' | 'names' | 'changedSince'>,
): Promise<ImageSpec[]> {
  const unknown = (opts.names ?? []).filter((n) => !IMAGES.some((i) => i.name === n));
  if (unknown.length > 0) {
    throw new ImageBuildError(
      `unknown image ${unknown.join(', ')}: one of ${IMAGES.map((i) => i.name).join(', ')}`,
    );
  }
  let chosen =
    opts.names && opts.names.length > 0 ? IMAGES.filter((i) => opts.names!.includes(i.name)) : [...IMAGES];
  if (opts.changedSince) {
    let changed: string[];
    try {
      changed = execFileSync('git', ['diff', '--name-only', opts.changedSince, 'HEAD'], {
        cwd: opts.root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .split('\n')
        .filter(Boolean);
    } catch (err) {
      throw new ImageBuildError(
        `--changed-since ${opts.changedSince}: git cannot compare it with HEAD (${(err as Error).message.split('\n')[0]}). ` +
          'Fetch the history (actions/checkout fetch-depth: 0) or pass a commit that exists.',
      );
    }
    const everything = changed.some(
      (f) =>
        f === 'package-lock.json' ||
        f.startsWith('images/base') ||
        f === 'images/base.Containerfile' ||
        f.startsWith('images/src/'),
    );
    if (changed.length === 0) return [];
    const next: ImageSpec[] = [];
    for (const spec of chosen) {
      if (everything) {
        next.push(spec);
        continue;
      }
      const traced = (await traceFiles(opts.root, spec)).map((f) =>
        f.replace(/\/dist\//, '/src/').replace(/\.js$/, '.ts'),
      );
      const inputs = new Set(traced);
      const hit = changed.some(
        (f) =>
          inputs.has(f) ||
          f === `images/${spec.containerfile}` ||
          spec.dataDirs.some((d) => f.startsWith(`${d}/`)) ||
          (/\/package\.json$/.test(f) && traced.some((t) => t.startsWith(f.replace(/package\.json$/, '')))),
      );
      if (hit) next.push(spec);
    }
    chosen = next;
  }
  return chosen;
}

export async function buildImages(opts: BuildOptions): Promise<ImagesReport> {
  const began = Date.now();
  const progress = opts.progress ?? (() => {});
  const env = opts.env ?? process.env;
  const { root, out } = opts;
  mkdirSync(out, { recursive: true });
  const identity = buildIdentity(root, opts.now);
  if (identity.dirty)
    progress(
      `note: the tree has uncommitted changes; the images are labelled ${identity.revision.slice(0, 7)} all the same`,
    );
  const specs = await selectImages(opts);
  if (specs.length === 0) {
    progress('no image has changed inputs: nothing to build');
  }
  const buildah = new Buildah(env);
  const base = await ensureBase({ root, work: out, buildah, progress, env });
  progress(`base ${base.ref} ${base.built ? `built in ${base.seconds.toFixed(1)} s` : 'reused'}`);
  const npmBomFile = join(out, 'npm.cdx.json');
  const npm: CdxBom | undefined = specs.length > 0 ? await npmBom(root, npmBomFile) : undefined;
  const cosign = opts.cosign ? new Cosign(opts.cosign, env) : undefined;
  const key: CosignKey | undefined = cosign ? await cosign.keyPair(join(out, 'keys')) : undefined;

  const images: BuiltImage[] = [];
  for (const [i, spec] of specs.entries()) {
    const t0 = Date.now();
    const say = (msg: string) => progress(`${i + 1}/${specs.length} ${spec.name}: ${msg}`);
    const tags = imageTags(spec.name, identity);
    const tag = tags[0]!;
    const ctx = join(out, 'context', spec.name);
    const staged = await stageApp(root, spec, join(ctx, 'app'));
    say(
      `traced ${staged.files} files (${mb(staged.bytes)}, ${staged.packages.size} npm packages); building ${tag}…`,
    );
    const local = `localhost/gameday/${spec.name}:${tag}`;
    const labels = ociLabels(spec, identity, { name: base.ref });
    const buildArgs: Record<string, string> = {
      BASE: base.ref,
      VERSION: identity.version,
      REVISION: identity.revision,
      BUILD_TIME: identity.created,
      ...(spec.kind === 'service' ? { SERVICE: spec.name, PORT: String(spec.port) } : {}),
    };
    await buildah.run(
      [
        'build',
        '--isolation',
        'chroot',
        '--quiet',
        '--pull=never',
        '--layers=false',
        ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
        ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        ...tags.flatMap((t) => ['-t', `localhost/gameday/${spec.name}:${t}`]),
        '-f',
        join(root, 'images', spec.containerfile),
        ctx,
      ],
      `buildah build (${spec.name})`,
      15 * 60_000,
    );
    const archive = join(out, `${spec.name}.oci.tar`);
    rmSync(archive, { force: true });
    await buildah.run(
      ['push', '--quiet', local, `oci-archive:${archive}:${tag}`],
      `buildah push ${spec.name} (OCI archive)`,
    );
    const sizes = await archiveSizes(archive);
    if (sizes.uncompressed > IMAGE_SIZE_BUDGET_BYTES) {
      throw new ImageBuildError(
        `${spec.name} is ${mb(sizes.uncompressed)}, over the ${mb(IMAGE_SIZE_BUDGET_BYTES)} budget: ` +
          `look at the largest packages in ${relative(root, join(ctx, 'app', 'node_modules'))}.`,
      );
    }
    const bom = imageBom({ npm: npm!, spec, staged, base, identity, tag });
    const sbom = join(out, `${spec.name}.cdx.json`);
    writeFileSync(sbom, `${JSON.stringify(bom, null, 2)}\n`);
    let ref: string | undefined;
    let digest: string | undefined;
    if (opts.registry) {
      const insecure = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(opts.registry);
      ref = `${opts.registry}/gameday/${spec.name}:${tag}`;
      const digestFile = join(ctx, 'digest');
      for (const t of tags) {
        await buildah.run(
          [
            'push',
            '--quiet',
            ...(insecure ? ['--tls-verify=false'] : []),
            '--digestfile',
            digestFile,
            local,
            `docker://${opts.registry}/gameday/${spec.name}:${t}`,
          ],
          `buildah push ${spec.name} to ${opts.registry}`,
          10 * 60_000,
        );
      }
      digest = readFileSync(digestFile, 'utf8').trim();
    }
    let signed = false;
    if (cosign && key && ref && digest) {
      const byDigest = `${ref.replace(/:[^:/]+$/, '')}@${digest}`;
      await cosign.sign(byDigest, key, sbom);
      await cosign.verify(byDigest, key.pub);
      signed = true;
    }
    const seconds = (Date.now() - t0) / 1000;
    say(
      `${mb(sizes.uncompressed)} (${mb(sizes.compressed)} compressed) in ${seconds.toFixed(1)} s` +
        `${digest ? `; pushed ${digest.slice(0, 19)}…` : ''}${signed ? '; signed, SBOM attested' : ''}`,
    );
    rmSync(ctx, { recursive: true, force: true });
    images.push({
      name: spec.name,
      kind: spec.kind,
      tag,
      tags,
      local,
      ...(ref ? { ref } : {}),
      ...(digest ? { digest } : {}),
      archive,
      sbom,
      files: staged.files,
      appBytes: staged.bytes,
      sizeBytes: sizes.uncompressed,
      compressedBytes: sizes.compressed,
      buildSeconds: seconds,
      signed,
    });
  }
  const report: ImagesReport = {
    version: REPORT_VERSION,
    identity,
    base: {
      ref: base.ref,
      packages: base.packages,
      node: base.node,
      seconds: base.seconds,
      built: base.built,
    },
    ...(opts.registry ? { registry: opts.registry } : {}),
    ...(key ? { publicKey: key.pub } : {}),
    images,
    totalSeconds: (Date.now() - began) / 1000,
  };
  writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

export function readReport(file: string): ImagesReport {
  if (!existsSync(file)) throw new ImageBuildError(`${file} does not exist: run \`npm run images\` first`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as ImagesReport;
  if (report.version !== REPORT_VERSION) {
    throw new ImageBuildError(
      `${file} is report version ${report.version}, not ${REPORT_VERSION}: build again`,
    );
  }
  return report;
}

/** The table `npm run images` ends with. */
export function reportTable(report: ImagesReport): string {
  const rows = report.images.map((i) => [
    i.name,
    i.tag,
    mb(i.sizeBytes),
    mb(i.compressedBytes),
    `${i.buildSeconds.toFixed(1)} s`,
    i.signed ? 'yes' : 'no',
  ]);
  const head = ['image', 'tag', 'size', 'compressed', 'build', 'signed'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c]!)).join('  ');
  return [
    line(head),
    ...rows.map(line),
    `base ${report.base.ref} (${report.base.built ? `built in ${report.base.seconds.toFixed(1)} s` : 'reused'}); ` +
      `budget ${mb(IMAGE_SIZE_BUDGET_BYTES)} per image; total ${report.totalSeconds.toFixed(1)} s`,
  ].join('\n');
}
