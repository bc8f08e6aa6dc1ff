#!/usr/bin/env node
// Sets the images an environment runs in its GitOps manifest, argocd/environments/<env>/images.yaml:
//
//   images:
//     wallet:
//       repository: <registry>/gameday/wallet
//       tag: wallet-07122026-2245-ee66b69
//       digest: sha256:…
//
//   node scripts/bump-image-tags.mjs --env staging --report report.json   an images run's report
//   node scripts/bump-image-tags.mjs --env prod --tags wallet=TAG[@sha256:…],casino=TAG
//   node scripts/bump-image-tags.mjs --env prod --from staging            promote what staging runs
//
// .github/workflows/deploy.yml runs it. The file is created when missing; its comments and other keys
// are kept. A tag given without a digest drops the old digest (it belonged to the old tag). Prints one
// line per image that changed; writes nothing when none did.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Document, isMap, parseDocument } from 'yaml';

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const COMPONENT = '[a-z0-9]+(?:[._-][a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?::[0-9]+)?(?:/${COMPONENT})+$`);

export class BumpError extends Error {}

function check(pattern, value, what) {
  if (typeof value !== 'string' || !pattern.test(value))
    throw new BumpError(`${what}: ${JSON.stringify(value)} is not valid (${pattern})`);
  return value;
}

export function manifestPath(root, env) {
  return join(root, 'argocd', 'environments', check(NAME, env, 'environment'), 'images.yaml');
}

/** An images run's report.json → updates ({ name, repository, tag, digest }). */
export function updatesFromReport(report) {
  if (!Array.isArray(report?.images)) throw new BumpError('the report has no "images" list');
  return report.images.map((image, i) => {
    const name = check(NAME, image.name, `images[${i}].name`);
    const tag = check(TAG, image.tag, `${name}: tag`);
    if (typeof image.ref !== 'string' || !image.ref.endsWith(`:${tag}`))
      throw new BumpError(`${name}: ref ${JSON.stringify(image.ref)} does not end with its tag ${tag}`);
    const repository = check(REPOSITORY, image.ref.slice(0, -(tag.length + 1)), `${name}: repository`);
    return { name, repository, tag, digest: check(DIGEST, image.digest, `${name}: digest`) };
  });
}

/** "wallet=TAG[@sha256:…],casino=TAG" → updates that keep each image's repository. */
export function updatesFromTags(list) {
  const entries = list
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new BumpError('--tags names no image (name=tag[@sha256:…],…)');
  return entries.map((entry) => {
    const m = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(entry);
    if (!m) throw new BumpError(`--tags: ${JSON.stringify(entry)} is not name=tag[@sha256:…]`);
    const name = check(NAME, m[1], '--tags name');
    return {
      name,
      tag: check(TAG, m[2], `${name}: tag`),
      ...(m[3] !== undefined ? { digest: check(DIGEST, m[3], `${name}: digest`) } : {}),
    };
  });
}

/** Every image another environment's manifest names. */
export function updatesFromManifest(text, file) {
  const images = parseManifest(text, file).get('images');
  if (!isMap(images)) return [];
  return images.items.map((pair) => {
    const name = check(NAME, String(pair.key), `${file}: image name`);
    const value = isMap(pair.value) ? pair.value.toJSON() : {};
    return {
      name,
      repository: check(REPOSITORY, value.repository, `${file}: ${name}.repository`),
      tag: check(TAG, value.tag, `${file}: ${name}.tag`),
      ...(value.digest != null ? { digest: check(DIGEST, value.digest, `${file}: ${name}.digest`) } : {}),
    };
  });
}

function parseManifest(text, file) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new BumpError(`${file}: ${doc.errors[0].message}`);
  return doc;
}

function describe(entry) {
  if (!isMap(entry)) return '(none)';
  const { repository, tag, digest } = entry.toJSON();
  return `${repository}:${tag}${digest ? `@${digest}` : ''}`;
}

/** Applies updates to a manifest's text (undefined: a new one). Returns the new text and one line per change. */
export function bumpImages(text, updates, { file = 'images.yaml', env = 'an environment' } = {}) {
  let doc;
  if (text === undefined) {
    doc = new Document({ images: {} });
    doc.commentBefore = ` The images ${env} runs. Written by scripts/bump-image-tags.mjs (.github/workflows/deploy.yml).`;
  } else {
    doc = parseManifest(text, file);
    if (!isMap(doc.contents)) throw new BumpError(`${file}: not a YAML map`);
    if (!doc.has('images') || doc.get('images') == null) doc.set('images', doc.createNode({}));
    if (!isMap(doc.get('images'))) throw new BumpError(`${file}: "images" is not a map`);
  }
  const changes = [];
  for (const u of updates) {
    const current = doc.getIn(['images', u.name]);
    const repository = u.repository ?? (isMap(current) ? current.get('repository') : undefined);
    if (repository === undefined)
      throw new BumpError(
        `${u.name}: ${file} has no repository for it yet; deploy it from an images run first`,
      );
    const before = describe(current);
    if (!isMap(current)) doc.setIn(['images', u.name], doc.createNode({}));
    doc.setIn(['images', u.name, 'repository'], check(REPOSITORY, repository, `${u.name}: repository`));
    doc.setIn(['images', u.name, 'tag'], u.tag);
    if (u.digest !== undefined) doc.setIn(['images', u.name, 'digest'], u.digest);
    else doc.deleteIn(['images', u.name, 'digest']);
    const after = describe(doc.getIn(['images', u.name]));
    if (after !== before) changes.push(`${u.name}: ${before} -> ${after}`);
  }
  return { text: String(doc), changes };
}

const USAGE =
  'usage: node scripts/bump-image-tags.mjs --env <env> (--report <report.json> | --tags <name=tag,…> | --from <env>) [--root <dir>]';

export function main(argv, out = process.stdout) {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      report: { type: 'string' },
      tags: { type: 'string' },
      from: { type: 'string' },
      root: { type: 'string' },
    },
  });
  const sources = ['report', 'tags', 'from'].filter((k) => values[k] !== undefined);
  if (values.env === undefined || sources.length !== 1) throw new BumpError(USAGE);
  const root = resolve(values.root ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const file = manifestPath(root, values.env);
  const name = relative(root, file);

  let updates;
  if (values.report !== undefined) {
    updates = updatesFromReport(JSON.parse(readFileSync(values.report, 'utf8')));
  } else if (values.tags !== undefined) {
    updates = updatesFromTags(values.tags);
  } else {
    const from = manifestPath(root, values.from);
    if (!existsSync(from)) throw new BumpError(`${relative(root, from)} does not exist: nothing to promote`);
    updates = updatesFromManifest(readFileSync(from, 'utf8'), relative(root, from));
  }

  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const { text, changes } = bumpImages(before, updates, { file: name, env: values.env });
  if (changes.length === 0 && before !== undefined) {
    out.write(`${name}: unchanged\n`);
    return changes;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  for (const line of changes) out.write(`${line}\n`);
  return changes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    const expected =
      err instanceof BumpError ||
      err instanceof SyntaxError ||
      err?.code === 'ENOENT' ||
      String(err?.code).startsWith('ERR_PARSE_ARGS');
    if (!expected) throw err;
    process.stderr.write(`bump-image-tags: ${err.message}\n`);
    process.exit(2);
  }
}
