import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, buildInfo, createService, gitRevision, loadConfig, z } from './index';

describe('configuration', () => {
  it('fails fast with a message naming each bad variable and its value', () => {
    const schema = z.object({ PORT: z.coerce.number().int().max(65535), DATABASE_URL: z.string() });
    try {
      loadConfig(schema, { PORT: 'eighty' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('PORT: ');
      expect((err as Error).message).toContain('(got "eighty")');
      expect((err as Error).message).toContain('DATABASE_URL: ');
      expect((err as Error).message).toContain('(not set)');
    }
  });

  it('validates the standard variables of every service', () => {
    expect(() => createService({ name: 'x', env: { LOG_LEVEL: 'chatty' } })).toThrow(/LOG_LEVEL/);
    expect(() => createService({ name: 'x', env: { GAMEDAY_TELEMETRY: 'maybe' } })).toThrow(
      /GAMEDAY_TELEMETRY/,
    );
  });
});

describe('GET /version and gameday_build_info', () => {
  it('says what the image was built from, and exports it as a gauge', async () => {
    const service = createService({
      name: 'versioned',
      env: {
        GAMEDAY_VERSION: '1.4.2',
        GAMEDAY_REVISION: 'abcdef1234567',
        GAMEDAY_BUILD_TIME: '2026-12-07T12:00:00Z',
      },
    });
    const { url } = await service.listen({ signals: false });
    try {
      const res = await fetch(`${url}/version`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        service: 'versioned',
        version: '1.4.2',
        revision: 'abcdef1234567',
        build_time: '2026-12-07T12:00:00Z',
        node: process.version,
      });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(
        /gameday_build_info\{service="versioned",version="1\.4\.2",revision="abcdef1234567"\} 1/,
      );
    } finally {
      await service.stop();
    }
  });

  it('from a checkout: the root package.json version and the commit .git points at', () => {
    const info = buildInfo('x', {});
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.revision).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(info.build_time).toBeNull();
  });

  it('reads a revision from a loose ref, packed-refs or a detached HEAD', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-git-'));
    const sha = 'a'.repeat(40);
    mkdirSync(join(dir, '.git', 'refs', 'heads'), { recursive: true });
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(dir, '.git', 'refs', 'heads', 'main'), `${sha}\n`);
    expect(gitRevision(dir)).toBe(sha);
    rmSync(join(dir, '.git', 'refs', 'heads', 'main'));
    writeFileSync(join(dir, '.git', 'packed-refs'), `# pack-refs\n${'b'.repeat(40)} refs/heads/main\n`);
    expect(gitRevision(dir)).toBe('b'.repeat(40));
    writeFileSync(join(dir, '.git', 'HEAD'), `${'c'.repeat(40)}\n`);
    expect(gitRevision(dir)).toBe('c'.repeat(40));
    expect(gitRevision(join(dir, 'nowhere'))).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a version, revision or build time that is not one, naming the variable', () => {
    expect(() => createService({ name: 'x', env: { GAMEDAY_VERSION: 'latest' } })).toThrow(/GAMEDAY_VERSION/);
    expect(() => createService({ name: 'x', env: { GAMEDAY_REVISION: 'main' } })).toThrow(/GAMEDAY_REVISION/);
    expect(() => createService({ name: 'x', env: { GAMEDAY_BUILD_TIME: 'yesterday' } })).toThrow(
      /GAMEDAY_BUILD_TIME/,
    );
  });
});
