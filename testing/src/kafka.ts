// A real, throwaway Apache Kafka broker for tests: one KRaft node (broker and controller in one JVM)
// on free ports with a temporary data directory, from the jars scripts/kafka.mjs fetches from Maven
// Central (once, cached). The same script writes the configuration the local stack's broker uses.
// A test can kill the broker and start it again on the same ports and data.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureTopics } from '@gameday/outbox';
import { prepareKafkaBroker } from '@gameday/stack/kafka-launcher';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from './ports';
import { REPO_ROOT } from './process';

export interface TestKafka {
  /** For kafkajs and KAFKA_BROKERS: '127.0.0.1:<port>'. */
  readonly brokers: string;
  readonly port: number;
  /** The broker's log (log4j), for a failing test to read. */
  readonly logFile: string;
  /** Graceful shutdown (SIGTERM); the data directory is kept so `start` brings the same data back. */
  stop(): Promise<void>;
  /** A crash (SIGKILL); the data directory is kept. */
  kill(): Promise<void>;
  /** Starts the broker again on the same ports and data; resolves when a client can connect. */
  start(): Promise<void>;
  /** Stops the broker and deletes the data directory. */
  destroy(): Promise<void>;
  /** Creates the topics that do not exist yet (one replica); adds partitions to smaller ones. */
  createTopics(topics: { topic: string; partitions: number }[]): Promise<void>;
}

export interface StartKafkaOptions {
  /** Where the broker logs (default: kafka.log in its temporary directory, deleted by destroy). */
  logFile?: string;
  /** How long a start may take before it fails with the log's tail (default 60 s). */
  readyTimeoutMs?: number;
}

/** The log's ERROR/FATAL lines (the cause is usually there, long before its end) and its end. */
function logExcerpt(file: string): string {
  if (!existsSync(file)) return `(no log: ${file})`;
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  // Each ERROR line, with the exception below it (the first line of its stack trace).
  const errors = lines
    .flatMap((l, i) => {
      if (!/^\[[^\]]+\] (ERROR|FATAL) /.test(l)) return [];
      const next = lines[i + 1] ?? '';
      return /^[\w.$]+(Exception|Error)\b/.test(next) ? [l, `  ${next}`] : [l];
    })
    .slice(-12);
  const cut = (l: string) => (l.length > 600 ? `${l.slice(0, 600)}…` : l);
  return (
    (errors.length > 0 ? `errors in ${file}:\n${errors.map(cut).join('\n')}\n` : '') +
    `end of ${file}:\n${lines.slice(-15).map(cut).join('\n')}`
  );
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startKafka(options: StartKafkaOptions = {}): Promise<TestKafka> {
  const root = mkdtempSync(join(tmpdir(), 'gameday-kafka-'));
  const logFile = resolve(options.logFile ?? join(root, 'kafka.log'));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const brokers = `127.0.0.1:${port}`;
  const broker = await prepareKafkaBroker({
    root: REPO_ROOT,
    dir: root,
    port,
    controllerPort,
    logFile,
    // The first fetch of the jars takes a while: say so (each broker's formatting is noise).
    progress: (line) => {
      if (/fetching|jars/.test(line)) process.stderr.write(`[kafka] ${line}\n`);
    },
  });
  const kafka = new Kafka({
    clientId: 'gameday-test-kafka',
    brokers: [brokers],
    connectionTimeout: 1_000,
    logLevel: logLevel.NOTHING,
  });

  let proc: ChildProcess | undefined;
  let output = '';

  /** One attempt: can an admin client connect and read the cluster? */
  const ping = async () => {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  const start = async () => {
    if (proc) return;
    const began = Date.now();
    const child = spawn(broker.command, broker.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    proc = child;
    // If the test process dies without destroy(), take the broker down with it.
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    child.once('exit', () => process.off('exit', onExit));
    output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
    child.once('error', (err) => (exited = `could not start: ${err.message}`));

    let last = 'no answer yet';
    for (;;) {
      if (exited !== undefined || Date.now() - began > readyTimeoutMs) {
        const why = exited ?? `was not ready within ${readyTimeoutMs} ms (last: ${last})`;
        if (exited === undefined) child.kill('SIGKILL');
        proc = undefined;
        throw new Error(
          `Kafka ${broker.version} on ${brokers} ${why}.\n` +
            (output.trim() ? `output:\n${output.trim()}\n` : '') +
            logExcerpt(logFile),
        );
      }
      try {
        await ping();
        return;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(200);
    }
  };

  const halt = async (signal: NodeJS.Signals, timeoutMs: number) => {
    const child = proc;
    if (!child) return;
    proc = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolveExit) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolveExit();
      });
      child.kill(signal);
    });
  };

  await start();
  return {
    brokers,
    port,
    logFile,
    start,
    stop: () => halt('SIGTERM', 30_000),
    kill: () => halt('SIGKILL', 10_000),
    async destroy() {
      await halt('SIGTERM', 30_000);
      rmSync(root, { recursive: true, force: true });
    },
    async createTopics(topics) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, topics);
      } finally {
        await admin.disconnect();
      }
    },
  };
}
