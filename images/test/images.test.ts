// The images end to end: every image built from this tree (or those `npm run images` just built, when
// GAMEDAY_IMAGES_REPORT names its report), under budget, tagged and labelled as the delivery contract
// says, nothing writable by its user but /tmp, an SBOM with the Debian, Node and npm parts, signed
// and verified against the local registry (a replaced image fails), and the whole platform run from
// the images — PostgreSQL, Kafka, every service under `buildah run` — through the k6 smoke journeys.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  Buildah,
  Cosign,
  IMAGES,
  IMAGE_NODE_FLAGS,
  IMAGE_SIZE_BUDGET_BYTES,
  IMAGE_TAG,
  buildImages,
  goTool,
  layerListing,
  readArchive,
  readReport,
  startRegistry,
} from '@gameday/images';
import type { CdxBom, ImagesReport, LocalRegistry } from '@gameday/images';
import { DEAD_LETTER_TOPIC, EVENTS_TOPIC } from '@gameday/outbox';
import { freePort, request, startKafka, startPlayerApi, startService } from '@gameday/testing';
import type { PlayerApi, TestKafka } from '@gameday/testing';

const root = resolve(__dirname, '..', '..');
const ADMIN_EMAIL = 'admin@gameday.local';

let report: ImagesReport;
let registry: LocalRegistry | undefined;
let out: string | undefined;
const buildah = new Buildah();
let cosign: Cosign;

beforeAll(async () => {
  cosign = new Cosign(goTool(root, 'cosign'));
  if (process.env.GAMEDAY_IMAGES_REPORT) {
    report = readReport(process.env.GAMEDAY_IMAGES_REPORT);
    // Its local registry (running still under `npm run images`; started again on its data otherwise).
    const port = /^127\.0\.0\.1:(\d+)$/.exec(report.registry ?? '')?.[1];
    if (port) {
      registry = await startRegistry({
        dir: join(dirname(process.env.GAMEDAY_IMAGES_REPORT), 'registry'),
        port: Number(port),
      });
    }
    return;
  }
  mkdirSync(join(root, '.gameday'), { recursive: true });
  out = mkdtempSync(join(root, '.gameday', 'images-test-'));
  registry = await startRegistry({ dir: join(out, 'registry'), port: await freePort() });
  report = await buildImages({
    root,
    out,
    registry: registry.host,
    cosign: cosign.bin,
    progress: (m) => process.stderr.write(`[images] ${m}\n`),
  });
}, 30 * 60_000);

afterAll(async () => {
  await registry?.stop();
  if (out) {
    // The test's own images: the store keeps `npm run images`'s, not these.
    for (const image of report?.images ?? []) {
      for (const tag of image.tags) {
        await buildah.run(['rmi', `localhost/gameday/${image.name}:${tag}`]).catch(() => undefined);
      }
    }
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);

describe('images: what is built', () => {
  test('one image per service and the chaos controller, each under the size budget', () => {
    expect(report.images.map((i) => i.name).sort()).toEqual(IMAGES.map((i) => i.name).sort());
    for (const image of report.images) {
      expect({ name: image.name, under: image.sizeBytes < IMAGE_SIZE_BUDGET_BYTES }).toEqual({
        name: image.name,
        under: true,
      });
      expect(image.compressedBytes).toBeLessThan(image.sizeBytes);
    }
  });

  test('tags SERVICE-DDMMYYYY-HHMM-SHA, OCI labels, the nonroot user and the entry point', () => {
    const { identity } = report;
    for (const image of report.images) {
      const m = IMAGE_TAG.exec(image.tag);
      expect(m?.[1]).toBe(image.name);
      expect(m?.[7]).toBe(identity.revision.slice(0, 7));
      const created = new Date(identity.created);
      expect(`${m?.[2]}${m?.[3]}${m?.[4]}`).toBe(
        `${String(created.getUTCDate()).padStart(2, '0')}${String(created.getUTCMonth() + 1).padStart(2, '0')}${created.getUTCFullYear()}`,
      );
      const { config } = readArchive(image.archive);
      const labels = config.config.Labels ?? {};
      expect(labels['org.opencontainers.image.revision']).toBe(identity.revision);
      expect(labels['org.opencontainers.image.created']).toBe(identity.created);
      expect(labels['org.opencontainers.image.source']).toMatch(/^https:\/\/github\.com\//);
      expect(labels['org.opencontainers.image.version']).toBe(identity.version);
      expect(config.config.User).toBe('65532:65532');
      const env = new Map(
        (config.config.Env ?? []).map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string]),
      );
      expect(env.get('GAMEDAY_REVISION')).toBe(identity.revision);
      expect(env.get('GAMEDAY_BUILD_TIME')).toBe(identity.created);
      if (image.kind === 'service') {
        expect(config.config.Entrypoint).toEqual([
          '/usr/local/bin/node',
          ...IMAGE_NODE_FLAGS,
          '/app/main.js',
        ]);
        expect(env.get('OTEL_SERVICE_NAME')).toBe(image.name);
        expect(env.get('HOST')).toBe('0.0.0.0');
        const port = IMAGES.find((i) => i.name === image.name)!.port;
        expect(Object.keys(config.config.ExposedPorts ?? {})).toEqual([`${port}/tcp`]);
      } else {
        expect(config.config.Entrypoint).toEqual(['/usr/local/bin/node', '/app/main.js']);
      }
    }
  });

  test('everything belongs to root and nothing is writable by the image user except /tmp', () => {
    for (const image of report.images.filter((i) =>
      ['wallet', 'chaos-controller', 'pokemon'].includes(i.name),
    )) {
      const entries = layerListing(image.archive);
      expect(entries.length).toBeGreaterThan(1000);
      const notRoot = entries.filter((e) => e.owner !== '0/0');
      expect(notRoot.map((e) => `${image.name}: ${e.path} ${e.owner}`)).toEqual([]);
      const writable = entries.filter(
        (e) =>
          !e.mode.startsWith('l') &&
          (e.mode[5] === 'w' || e.mode[8] === 'w') &&
          !/^\.?\/?tmp\/?$/.test(e.path),
      );
      expect(writable.map((e) => `${image.name}: ${e.path} ${e.mode}`)).toEqual([]);
      // No package manager, no shell, no sources, no tests.
      const paths = new Set(entries.map((e) => e.path.replace(/^\.?\//, '')));
      for (const absent of ['bin/sh', 'usr/bin/apt', 'usr/bin/dpkg', 'bin/bash'])
        expect(paths.has(absent)).toBe(false);
      expect([...paths].filter((p) => /^app\/.*\/(src|test)\/.*\.ts$/.test(p))).toEqual([]);
      expect([...paths].filter((p) => /^app\/node_modules\/(jest|typescript|eslint|@swc)\//.test(p))).toEqual(
        [],
      );
    }
  });

  test('an SBOM per image: the Debian packages, the Node binary and exactly the npm packages it holds', () => {
    for (const image of report.images) {
      const bom = JSON.parse(readFileSync(image.sbom, 'utf8')) as CdxBom;
      expect(bom.bomFormat).toBe('CycloneDX');
      expect(bom.specVersion).toBe('1.6');
      expect(bom.metadata.component).toMatchObject({
        type: 'container',
        name: `gameday/${image.name}`,
        version: image.tag,
      });
      const purls = bom.components.map((c) => c.purl ?? '');
      for (const p of report.base.packages) {
        expect(purls).toContain(
          `pkg:deb/debian/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}?arch=amd64&distro=debian-12`,
        );
      }
      expect(bom.components.find((c) => c.name === 'node')?.hashes?.[0]?.content).toBe(
        report.base.node.sha256,
      );
      const npm = purls.filter((p) => p.startsWith('pkg:npm/'));
      expect(npm.length).toBeGreaterThan(20);
      expect(npm.some((p) => /^pkg:npm\/(jest|typescript|eslint)@/.test(p))).toBe(false);
      if (image.kind === 'service') expect(npm.some((p) => p.startsWith('pkg:npm/express@'))).toBe(true);
      else expect(npm.some((p) => p.startsWith('pkg:npm/%40kubernetes/client-node@'))).toBe(true);
      // The gateway reads the pokémon contract, not the simulator: no @pkmn/sim in its image.
      if (image.name === 'gateway') expect(npm.some((p) => p.startsWith('pkg:npm/%40pkmn/sim@'))).toBe(false);
      if (image.name === 'pokemon') expect(npm.some((p) => p.startsWith('pkg:npm/%40pkmn/sim@'))).toBe(true);
    }
  });
});

describe('images: signatures', () => {
  test('every pushed image verifies against the public key, signature and SBOM attestation', async () => {
    for (const image of report.images) {
      expect(image.signed).toBe(true);
      await cosign.verify(image.ref!, report.publicKey!);
    }
  }, 300_000);

  test('a replaced image under a signed tag, an unsigned image and the wrong key all fail verification', async () => {
    const wallet = report.images.find((i) => i.name === 'wallet')!;
    const repo = wallet.ref!.replace(/:[^:/]+$/, '');
    const insecure = ['--tls-verify=false'];
    // A second tag on the signed digest verifies (signatures follow the digest) ...
    const tampered = `${repo}:tamper-check`;
    await buildah.run(['push', '--quiet', ...insecure, wallet.local, `docker://${tampered}`]);
    await cosign.verify(tampered, report.publicKey!);
    // ... until someone pushes different content under it.
    const ctr = (await buildah.run(['from', '--quiet', '--pull=never', wallet.local])).stdout.trim();
    try {
      await buildah.run(['config', '--env', 'NODE_OPTIONS=--require=/tmp/evil.js', ctr]);
      await buildah.run(['commit', '--quiet', ctr, 'localhost/gameday/wallet:tampered']);
    } finally {
      await buildah.run(['rm', ctr]).catch(() => undefined);
    }
    await buildah.run([
      'push',
      '--quiet',
      ...insecure,
      'localhost/gameday/wallet:tampered',
      `docker://${tampered}`,
    ]);
    await expect(cosign.verify(tampered, report.publicKey!)).rejects.toThrow(
      /no signatures found|no matching signatures/,
    );
    // The same content under its own name was never signed.
    await buildah.run([
      'push',
      '--quiet',
      ...insecure,
      'localhost/gameday/wallet:tampered',
      `docker://${repo}-unsigned:1`,
    ]);
    await expect(cosign.verify(`${repo}-unsigned:1`, report.publicKey!)).rejects.toThrow(
      /no signatures found/,
    );
    await buildah.run(['rmi', 'localhost/gameday/wallet:tampered']).catch(() => undefined);
    // Another key does not verify the real signature.
    const other = mkdtempSync(join(tmpdir(), 'gameday-cosign-'));
    try {
      const key = await cosign.keyPair(other);
      await expect(cosign.verify(wallet.ref!, key.pub)).rejects.toThrow(/cosign verify/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('images: the platform on its images', () => {
  let kafka: TestKafka | undefined;
  let api: PlayerApi | undefined;
  const before = process.env.GAMEDAY_TEST_IMAGES;

  const running = () =>
    [
      api!.gateway,
      api!.accounts,
      api!.wallet,
      api!.casino,
      api!.pokemon,
      api!.scheduler,
      api!.events,
      api!.leaderboard,
    ].filter((s): s is NonNullable<typeof s> => s !== undefined);

  beforeAll(async () => {
    process.env.GAMEDAY_TEST_IMAGES = JSON.stringify(
      Object.fromEntries(report.images.filter((i) => i.kind === 'service').map((i) => [i.name, i.local])),
    );
    kafka = await startKafka();
    await kafka.createTopics([
      { topic: EVENTS_TOPIC, partitions: 3 },
      { topic: DEAD_LETTER_TOPIC, partitions: 1 },
    ]);
    api = await startPlayerApi({
      casino: { casinoEnv: { KAFKA_BROKERS: kafka.brokers } },
      pokemon: {},
      scheduler: {},
      events: { kafkaBrokers: kafka.brokers },
      accountsEnv: { ACCOUNTS_ADMIN_EMAILS: ADMIN_EMAIL, KAFKA_BROKERS: kafka.brokers },
      env: { LOG_LEVEL: 'warn' },
    });
  }, 600_000);

  afterAll(async () => {
    if (before === undefined) delete process.env.GAMEDAY_TEST_IMAGES;
    else process.env.GAMEDAY_TEST_IMAGES = before;
    await api?.stop();
    await kafka?.destroy();
  }, 120_000);

  test('every service runs from its image as uid 65532 and answers /healthz, /version and build_info', async () => {
    const services = running();
    expect(services.map((s) => s.name).sort()).toEqual(
      report.images
        .filter((i) => i.kind === 'service')
        .map((i) => i.name)
        .sort(),
    );
    for (const svc of services) {
      const uid = readFileSync(`/proc/${svc.mainPid()}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1];
      expect({ service: svc.name, uid }).toEqual({ service: svc.name, uid: '65532' });
      expect((await request(`${svc.url}/healthz`)).status).toBe(200);
      const version = await request(`${svc.url}/version`);
      expect(version.status).toBe(200);
      expect(version.body).toMatchObject({
        service: svc.name,
        version: report.identity.version,
        revision: report.identity.revision,
        build_time: report.identity.created,
      });
      const metrics = (await request(`${svc.url}/metrics`)).text;
      expect(metrics).toContain(
        `gameday_build_info{service="${svc.name}",version="${report.identity.version}",revision="${report.identity.revision}"} 1`,
      );
    }
  }, 120_000);

  test('the k6 smoke journeys pass through the gateway on the images', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-images-k6-'));
    const summaryFile = join(dir, 'summary.json');
    const output = await new Promise<{ code: number | null; text: string }>((res, rej) => {
      const child = spawn(
        process.execPath,
        ['scripts/load.mjs', 'smoke', `--summary-export=${summaryFile}`],
        {
          cwd: root,
          env: {
            ...process.env,
            GATEWAY_URL: api!.gateway.url,
            ADMIN_EMAIL,
            SMOKE_DURATION: '8s',
            THINK: '0.2',
            NO_COLOR: '1',
            GAMEDAY_LOAD_THRESHOLDS: 'errors',
          },
        },
      );
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', rej);
      child.on('close', (code) => res({ code, text }));
    });
    if (output.code !== 0) throw new Error(`k6 smoke on the images exited ${output.code}:\n${output.text}`);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
      metrics: Record<string, Record<string, number> | undefined>;
    };
    rmSync(dir, { recursive: true, force: true });
    expect(summary.metrics['http_reqs']!['count']).toBeGreaterThan(10);
    expect(summary.metrics['checks']!['passes']).toBeGreaterThan(10);
    expect(summary.metrics['checks']!['fails']).toBe(0);
    // Everything is routed here (Kafka, events, leaderboards, the scheduler): nothing was skipped.
    expect(output.text).not.toMatch(/not routed by the gateway/);
    expect(summary.metrics['gameday_pokemon_battles']?.['count']).toBeGreaterThanOrEqual(2);
  }, 600_000);

  test('one casino image, one game per Deployment: CASINO_GAMES picks what an instance serves', async () => {
    await api!.pg.createDatabase('casino_coin_flip_only');
    const coinFlip = await startService('casino', {
      env: {
        DATABASE_URL: api!.pg.url('casino_coin_flip_only'),
        WALLET_URL: api!.wallet!.url,
        WALLET_TOKEN: api!.walletToken,
        CASINO_GAMES: 'coin-flip',
        LOG_LEVEL: 'info',
      },
    });
    try {
      expect(coinFlip.mainPid()).not.toBe(process.pid);
      const serving = coinFlip.logs.find((l) => l['message'] === 'serving games');
      expect(serving?.['games']).toEqual(['coin-flip']);
    } finally {
      expect(await coinFlip.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);

  test('SIGTERM: each service drains and exits 0 by itself (node is PID 1 in a pod)', async () => {
    const codes: Record<string, number | string> = {};
    for (const svc of running()) codes[svc.name] = await svc.stop('SIGTERM');
    expect(Object.values(codes).every((c) => c === 0)).toBe(true);
    expect(Object.keys(codes)).toHaveLength(8);
  }, 120_000);
});

describe('images: the chaos controller', () => {
  test('renders the catalogue for the kubernetes engine from inside its image', async () => {
    const image = report.images.find((i) => i.name === 'chaos-controller')!;
    const ctr = (await buildah.run(['from', '--quiet', '--pull=never', image.local])).stdout.trim();
    try {
      const { stdout } = await buildah.run([
        'run',
        '--isolation',
        'chroot',
        ctr,
        '--',
        '/usr/local/bin/node',
        '/app/main.js',
        'chaos',
        'run',
        'chaos/experiments',
        '--engine',
        'kubernetes',
        '--dry-run',
      ]);
      expect(stdout).toMatch(/chaos-mesh\.org\/v1alpha1/);
      expect(stdout).toMatch(/kind: (PodChaos|NetworkChaos)/);
    } finally {
      await buildah.run(['rm', ctr]).catch(() => undefined);
    }
  }, 120_000);
});
