// A local OCI registry (Debian's docker-registry, the CNCF distribution registry) on 127.0.0.1, so
// pushes, digests and cosign signatures are exercised like against ECR, with nothing leaving the
// machine. Plain HTTP on loopback (buildah --tls-verify=false, cosign --allow-http-registry).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageBuildError, debianTool } from './tools';

export interface LocalRegistry {
  /** 127.0.0.1:<port> */
  host: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

export async function startRegistry(opts: {
  dir: string;
  port: number;
  env?: NodeJS.ProcessEnv;
  progress?: (msg: string) => void;
}): Promise<LocalRegistry> {
  const host = `127.0.0.1:${opts.port}`;
  if (await answers(`http://${host}/v2/`)) {
    opts.progress?.(`registry ${host} answers already: using it`);
    return { host, stop: async () => {} };
  }
  const bin = debianTool('docker-registry', opts.env);
  mkdirSync(join(opts.dir, 'storage'), { recursive: true });
  const config = join(opts.dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(opts.dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  const logFile = join(opts.dir, 'registry.log');
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(bin, ['serve', config], { stdio: ['ignore', out, out], env: opts.env });
  closeSync(out);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 15_000;
  while (!(await answers(`http://${host}/v2/`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const log = readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
      throw new ImageBuildError(
        `the local registry did not start on ${host} (${child.exitCode !== null ? `exit ${child.exitCode}` : 'no answer in 15 s'}):\n${log}\n` +
          `Is the port taken? Pick another with --registry-port.`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  opts.progress?.(`registry: docker-registry on ${host} (storage ${join(opts.dir, 'storage')})`);
  return {
    host,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
