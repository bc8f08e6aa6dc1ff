// Runs a real service process (its compiled dist/main.js) the way the local stack does, and keeps
// its JSON log lines for assertions.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@gameday/telemetry/runtime';
import { eventually } from './eventually';
import { startImage, testImageFor } from './image';
import type { ImageProcess } from './image';
import { freePort } from './ports';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface ServiceProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Every JSON log line the process printed so far (non-JSON lines are kept as { raw }). */
  readonly logs: Record<string, unknown>[];
  readonly stderr: string[];
  /** The service's own node process (under `buildah run` for an image; the child otherwise). */
  mainPid(): number | undefined;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  exited(): Promise<number | string>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** Wait for /readyz to answer 200 (default) or only /healthz. */
  waitFor?: 'ready' | 'alive' | 'none';
  timeoutMs?: number;
  /** Append stdout and stderr to this file instead of collecting them. */
  logFile?: string;
  /** Extra arguments for node itself (e.g. --cpu-prof), after SERVICE_NODE_FLAGS. */
  nodeArgs?: string[];
  /**
   * Run this container image (buildah run) instead of the entry file: its ENTRYPOINT, its USER, only
   * the environment given here plus PORT, HOST and OTEL_SERVICE_NAME (not the test's whole env).
   */
  image?: string;
}

/**
 * Starts apps/<name>/dist/main.js, or the service's container image when GAMEDAY_TEST_IMAGES maps
 * the name to one (the images' smoke test runs whole journeys on the images this way).
 */
export async function startService(name: string, options: StartOptions = {}): Promise<ServiceProcess> {
  const image = options.image ?? testImageFor(name);
  return startNodeProcess(name, join(REPO_ROOT, 'apps', name, 'dist', 'main.js'), { ...options, image });
}

/** Runs any compiled Node entry point like a service (PORT from a free port, readiness wait). */
export async function startNodeProcess(
  name: string,
  entry: string,
  options: StartOptions = {},
): Promise<ServiceProcess> {
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run \`npx tsc -b\` first`);
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    OTEL_SERVICE_NAME: name,
    ...pickDefined(options.env),
  });
  env.PORT = options.env?.PORT ?? String(port);
  // With logFile, output goes straight to a file (benchmarks: no parsing in this process).
  const out = options.logFile ? openSync(options.logFile, 'a') : 'pipe';
  let image: ImageProcess | undefined;
  if (options.image) {
    const own: Record<string, string> = { ...pickDefined(options.env) };
    for (const k of ['PORT', 'HOST', 'OTEL_SERVICE_NAME']) own[k] = env[k]!;
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && own[k] === undefined && /^(OTEL_|LOG_LEVEL$)/.test(k)) own[k] = v;
    }
    image = startImage(name, options.image, own, ['ignore', out, out]);
  }
  const child =
    image?.child ??
    spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...(options.nodeArgs ?? []), entry], {
      env,
      stdio: ['ignore', out, out],
      cwd: REPO_ROOT,
    });
  if (typeof out === 'number') closeSync(out);
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    partial += d.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  const exit = new Promise<number | string>((res) =>
    child.once('exit', (code, sig) => {
      image?.cleanup();
      res(code ?? sig ?? -1);
    }),
  );
  const url = `http://127.0.0.1:${env.PORT}`;
  const proc: ServiceProcess = {
    name,
    port: Number(env.PORT),
    url,
    child,
    logs,
    stderr,
    exited: () => exit,
    mainPid: () => (image ? image.mainPid() : child.pid),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        if (image) image.kill(signal);
        else child.kill(signal);
      }
      return exit;
    },
  };
  const mode = options.waitFor ?? 'ready';
  if (mode !== 'none') {
    const path = mode === 'ready' ? '/readyz' : '/healthz';
    const tail = () => `${stderr.join('')}\n${JSON.stringify(logs.slice(-5))}`;
    // Answering 200 (a fetch that fails is not listening yet), or exited: either ends the wait.
    const answered = await eventually(
      async () => (child.exitCode !== null ? false : (await fetch(url + path)).status === 200 || undefined),
      { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 100, what: `${name} answering 200 on ${path}` },
    ).catch((err: Error) => {
      if (image) image.kill('SIGKILL');
      else child.kill('SIGKILL');
      throw new Error(`${err.message}:\n${tail()}`);
    });
    if (!answered) throw new Error(`${name} exited with ${child.exitCode} during start:\n${tail()}`);
  }
  return proc;
}

function pickDefined(env: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) if (v !== undefined) out[k] = v;
  return out;
}
