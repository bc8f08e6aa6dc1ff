// A real Kubernetes API server for tests: etcd and kube-apiserver (built from source by
// scripts/kube.mjs, v1.37.2 and v3.7.3) on 127.0.0.1 with free ports and a temporary folder; one
// admin bearer token (system:masters, RBAC on), its self-signed serving certificate trusted through
// the kubeconfig. No controller manager, scheduler or kubelet: pods stay Pending unless a test
// patches their status, which is what a test playing a controller does.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually';
import { freePort } from './ports';
import { REPO_ROOT } from './process';

export interface KubeApiServer {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  readonly token: string;
  /** A kubeconfig file for kubectl and @kubernetes/client-node (current context: the admin). */
  readonly kubeconfig: string;
  /** The serving certificate (PEM), to trust. */
  readonly ca: string;
  /** A JSON request to the API server as the admin; resolves with the status and parsed body. */
  request(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; body: unknown }>;
  /** Runs kubectl against it; resolves with its exit code and output. */
  kubectl(args: string[], input?: string): { status: number; stdout: string; stderr: string };
  stop(): Promise<void>;
}

function kubeBinary(name: 'kube-apiserver' | 'etcd'): string {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'kube.mjs'), 'path', name], {
    encoding: 'utf8',
  });
  const path = r.stdout.trim();
  if (r.status !== 0 || !existsSync(path)) {
    throw new Error(
      `${name} is not built: ${r.stderr.trim()} (node scripts/kube.mjs builds it; npm test's bootstrap does)`,
    );
  }
  return path;
}

function startLogged(bin: string, args: string[], log: string): ChildProcess {
  const out = openSync(log, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', out, out] });
  closeSync(out);
  return child;
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '';
}

export async function startKubeApiServer(): Promise<KubeApiServer> {
  const etcdBin = kubeBinary('etcd');
  const apiBin = kubeBinary('kube-apiserver');
  const dir = mkdtempSync(join(tmpdir(), 'gameday-kube-'));
  const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
  const etcd = startLogged(
    etcdBin,
    [
      '--data-dir',
      join(dir, 'etcd'),
      '--listen-client-urls',
      `http://127.0.0.1:${clientPort}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${clientPort}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--initial-cluster',
      `default=http://127.0.0.1:${peerPort}`,
      '--log-level',
      'warn',
    ],
    join(dir, 'etcd.log'),
  );
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin-uid,system:masters\n`);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const api = startLogged(
    apiBin,
    [
      `--etcd-servers=http://127.0.0.1:${clientPort}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${securePort}`,
      '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none',
      `--cert-dir=${join(dir, 'certs')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(dir, 'sa.key')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
    ],
    join(dir, 'apiserver.log'),
  );
  const url = `https://127.0.0.1:${securePort}`;
  const stop = async () => {
    for (const p of [api, etcd]) {
      if (p.exitCode === null && p.signalCode === null) {
        const gone = new Promise((r) => p.once('exit', r));
        p.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (p.exitCode === null) p.kill('SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let ca = '';
  const request = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = httpsRequest(
        `${url}${path}`,
        {
          method,
          ca: ca || undefined,
          rejectUnauthorized: ca !== '',
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(data !== undefined
              ? { 'content-type': contentType, 'content-length': Buffer.byteLength(data) }
              : {}),
          },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      if (data !== undefined) req.write(data);
      req.end();
    });
  try {
    const certFile = join(dir, 'certs', 'apiserver.crt');
    await eventually(
      async () => {
        if (api.exitCode !== null || etcd.exitCode !== null) throw new Error('exited');
        if (!existsSync(certFile)) return undefined;
        ca = readFileSync(certFile, 'utf8');
        const r = await request('GET', '/readyz').catch(() => undefined);
        return r?.status === 200 || undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'kube-apiserver answering /readyz' },
    );
  } catch (err) {
    const logs = `etcd:\n${tail(join(dir, 'etcd.log'))}\nkube-apiserver:\n${tail(join(dir, 'apiserver.log'))}`;
    await stop();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          cluster: { server: url, 'certificate-authority-data': Buffer.from(ca).toString('base64') },
        },
      ],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
      'current-context': 'test',
    }),
  );
  return {
    url,
    token,
    kubeconfig,
    ca,
    request,
    kubectl(args, input) {
      const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
        encoding: 'utf8',
        input,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      });
      return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
    },
    stop,
  };
}
