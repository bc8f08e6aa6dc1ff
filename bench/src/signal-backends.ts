// The local stack's trace and log backends for a benchmark: Jaeger v2 (OTLP/HTTP in), VictoriaLogs,
// and the log agent tailing the benchmark's service log files — the same binaries and generated
// configurations as `npm start` (stack/src/signals.ts), on free ports in a temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GO_TOOLS, goToolPath, jaegerConfig, logAgentConfig } from '@gameday/stack';
import type { GoTool } from '@gameday/stack';
import { freePort, REPO_ROOT } from '@gameday/testing';

export interface SignalBackends {
  /** OTEL_EXPORTER_OTLP_ENDPOINT for the services. */
  otlp: string;
  jaegerUrl: string;
  logsUrl: string;
  agentMetrics: string;
  /** The three processes' pids, for CPU accounting. */
  pids: Record<'jaeger' | 'victorialogs' | 'logagent', number>;
  stop(): Promise<void>;
}

/** The tool's binary; built first (with progress, by its script) when `npm run bench` finds none. */
function binary(tool: GoTool): string {
  const bin = goToolPath(REPO_ROOT, process.env, tool);
  if (!existsSync(bin)) {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', `${tool.script}.mjs`)], {
      stdio: 'inherit',
    });
    if (r.status !== 0 || !existsSync(bin))
      throw new Error(
        `${tool.name} is not built (${bin}) and \`node scripts/${tool.script}.mjs\` failed: see above`,
      );
  }
  return bin;
}

async function ready(url: string, what: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.pid === undefined)
      throw new Error(`${what} exited (${child.exitCode ?? 'did not start'}) during start`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} was not ready at ${url} within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the backends; the agent ships `logFiles` (JSON lines, one file per service). Without log files, Jaeger only. */
export async function startSignalBackends(logFiles: string[]): Promise<SignalBackends> {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-signals-'));
  const ports = {
    query: await freePort(),
    otlp: await freePort(),
    queryGrpc: await freePort(),
    metrics: await freePort(),
    health: await freePort(),
  };
  const logsPort = await freePort();
  const agentPort = await freePort();
  const logsUrl = `http://127.0.0.1:${logsPort}`;
  writeFileSync(join(dir, 'jaeger.yaml'), jaegerConfig(ports, 20_000));
  mkdirSync(join(dir, 'offsets'));
  writeFileSync(
    join(dir, 'agent.yaml'),
    logAgentConfig({ files: logFiles, offsetsDir: join(dir, 'offsets'), logsUrl, metricsPort: agentPort }),
  );
  const children: ChildProcess[] = [];
  const run = (bin: string, args: string[], env: Record<string, string> = {}) => {
    const child = spawn(bin, args, { stdio: 'ignore', env: { ...process.env, ...env } });
    child.on('error', () => undefined); // seen by ready(): the process is not there
    children.push(child);
    return child;
  };
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((r) => {
            if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return r();
            const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(kill);
              r();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const jaeger = run(binary(GO_TOOLS.jaeger), ['--config', `file:${join(dir, 'jaeger.yaml')}`], {
      GOMEMLIMIT: '768MiB',
    });
    const pids = { jaeger: jaeger.pid!, victorialogs: 0, logagent: 0 };
    const base = {
      otlp: `http://127.0.0.1:${ports.otlp}`,
      jaegerUrl: `http://127.0.0.1:${ports.query}`,
      logsUrl,
      agentMetrics: `http://127.0.0.1:${agentPort}/metrics`,
      pids,
      stop,
    };
    if (logFiles.length === 0) {
      await ready(`http://127.0.0.1:${ports.health}/status`, 'jaeger', jaeger);
      return base;
    }
    const logs = run(binary(GO_TOOLS.victorialogs), [
      `-storageDataPath=${join(dir, 'victorialogs')}`,
      `-httpListenAddr=127.0.0.1:${logsPort}`,
      '-retentionPeriod=1d',
      '-memory.allowedBytes=256MiB',
      '-loggerLevel=WARN',
    ]);
    await ready(`http://127.0.0.1:${ports.health}/status`, 'jaeger', jaeger);
    await ready(`${logsUrl}/health`, 'victorialogs', logs);
    const agent = run(binary(GO_TOOLS.logagent), ['--config', `file:${join(dir, 'agent.yaml')}`], {
      GOMEMLIMIT: '256MiB',
    });
    await ready(`http://127.0.0.1:${agentPort}/metrics`, 'the log agent', agent);
    pids.victorialogs = logs.pid!;
    pids.logagent = agent.pid!;
    return base;
  } catch (err) {
    await stop();
    throw err;
  }
}
