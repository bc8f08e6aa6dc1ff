// The files of one image: what its entry point loads, traced by @vercel/nft (the tracer behind
// Next.js's standalone output) from the compiled entry through every require and import, in the
// repository's own layout under /app (workspace packages stay symlinks in node_modules/@gameday),
// plus the data folders the program reads by path. No devDependencies, no sources, no tests.
import {
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { nodeFileTrace } from '@vercel/nft';
import type { ImageSpec } from './catalogue';
import { ImageBuildError } from './tools';

export interface StagedApp {
  dir: string;
  files: number;
  bytes: number;
  /** npm packages in the image: name → versions (several when nested copies differ). */
  packages: Map<string, Set<string>>;
  /** Repository-relative files, sorted (what the image's /app holds). */
  list: string[];
}

/** Files whose change means the image must be rebuilt (the trace, without building anything). */
export async function traceFiles(root: string, spec: ImageSpec): Promise<string[]> {
  const entry = join(root, spec.entry);
  try {
    lstatSync(entry);
  } catch {
    throw new ImageBuildError(
      `${spec.entry} does not exist: build the TypeScript first (npx tsc -b) and try again.`,
    );
  }
  // Node 24 resolves the "module-sync" export condition (require() of ESM), which nft does not by default.
  const { fileList } = await nodeFileTrace([entry], {
    base: root,
    processCwd: root,
    conditions: ['node', 'module-sync'],
  });
  return [...fileList].sort();
}

export async function stageApp(root: string, spec: ImageSpec, dir: string): Promise<StagedApp> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const list = await traceFiles(root, spec);
  let bytes = 0;
  const packages = new Map<string, Set<string>>();
  for (const rel of list) {
    const src = join(root, rel);
    const dest = join(dir, rel);
    mkdirSync(dirname(dest), { recursive: true });
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(src);
      const abs = resolve(dirname(src), target);
      if (relative(root, abs).startsWith('..')) {
        throw new ImageBuildError(
          `${rel} links outside the repository (${target}): the image cannot hold it`,
        );
      }
      symlinkSync(relative(dirname(src), abs), dest);
      continue;
    }
    if (st.isDirectory()) continue;
    copyFileSync(src, dest);
    bytes += st.size;
    if (rel.endsWith('package.json')) {
      const pkg = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(rel);
      const { name, version } = JSON.parse(readFileSync(src, 'utf8')) as { name?: string; version?: string };
      // A package's own package.json (not a nested one that only sets "type"), or a workspace's.
      const own = pkg ? name === pkg[1] : name?.startsWith('@gameday/') === true;
      if (name && version && own) {
        if (!packages.has(name)) packages.set(name, new Set());
        packages.get(name)!.add(version);
      }
    }
  }
  for (const data of spec.dataDirs) {
    cpSync(join(root, data), join(dir, data), { recursive: true });
  }
  // /app/main.js: the one entry point the Containerfile names.
  writeFileSync(
    join(dir, 'main.js'),
    `'use strict';\n// The image's entry point: ${spec.entry} (images/src/stage.ts writes this file).\nrequire('./${spec.entry}');\n`,
  );
  return { dir, files: list.length, bytes, packages, list };
}
